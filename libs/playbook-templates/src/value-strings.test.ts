import { describe, expect, it } from 'vitest';
import { replaceTemplateStrings, templateStrings } from './value-strings.js';

describe('template strings inside values', () => {
  it('collects template strings depth-first and puts results back in the same places', () => {
    const value = { a: ['{{ x }}', 'plain', { b: 'n={{ y }}' }], c: 3, d: null, e: '{% if z %}z{% endif %}' };
    const found = templateStrings(value);
    expect(found).toEqual(['{{ x }}', 'n={{ y }}', '{% if z %}z{% endif %}']);
    const out = replaceTemplateStrings(value, [[1], 'n=2', '']);
    expect(out).toEqual({ a: [[1], 'plain', { b: 'n=2' }], c: 3, d: null, e: '' });
    expect(value.a[0]).toBe('{{ x }}');
  });
});
