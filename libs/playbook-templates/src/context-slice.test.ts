import { describe, expect, it } from 'vitest';
import { contextSlice } from './context-slice.js';
import { TemplateError } from './template-error.js';

describe('contextSlice', () => {
  it('keeps only the names asked for', () => {
    const context = { a: 1, b: { c: [1, 2] }, big: 'x'.repeat(10_000), gone: undefined };
    expect(JSON.parse(contextSlice(context, ['a', 'b', 'gone', 'missing'], 1_000))).toEqual({
      a: 1,
      b: { c: [1, 2] },
    });
  });

  it('refuses slices over the byte budget, counting UTF-8 bytes', () => {
    expect(() => contextSlice({ a: 'é'.repeat(600) }, ['a'], 1_000)).toThrow(TemplateError);
    expect(() => contextSlice({ a: 'e'.repeat(600) }, ['a'], 1_000)).not.toThrow();
  });

  it('reports values JSON cannot carry as template errors', () => {
    expect(() => contextSlice({ a: 1n }, ['a'], 1_000)).toThrow(/not JSON/);
  });
});
