import { describe, expect, it } from 'vitest';
import { LineSplitter } from './line-splitter.js';

describe('LineSplitter', () => {
  it('joins lines split across chunks, multi-byte characters included', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((line) => lines.push(line));
    const bytes = Buffer.from('{"a":"é"}\n{"b":1}\n{"c"', 'utf8');
    splitter.push(bytes.subarray(0, 7));
    splitter.push(bytes.subarray(7, 13));
    splitter.push(bytes.subarray(13));
    expect(lines).toEqual(['{"a":"é"}', '{"b":1}']);
    splitter.push(Buffer.from(':2}\n'));
    expect(lines[2]).toBe('{"c":2}');
  });
});
