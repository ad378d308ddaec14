import { describe, expect, it } from 'vitest';
import { excerpt, hasTemplate, itemForString, singleExpression } from './template-source.js';

describe('template sources', () => {
  it('finds templates by their delimiters', () => {
    expect(hasTemplate('plain {text}')).toBe(false);
    expect(hasTemplate('a {{ b }}')).toBe(true);
    expect(hasTemplate('{% if a %}x{% endif %}')).toBe(true);
  });

  it('treats exactly one {{ expression }} as an expression and anything else as text', () => {
    expect(singleExpression('  {{ a.b | length }} ')).toBe(' a.b | length ');
    expect(singleExpression('{{ a }}{{ b }}')).toBeUndefined();
    expect(singleExpression('x{{ a }}')).toBeUndefined();
    expect(itemForString('{{ a }}')).toEqual({ k: 'e', s: ' a ' });
    expect(itemForString('n={{ a }}')).toEqual({ k: 't', s: 'n={{ a }}' });
  });

  it('shortens long sources for messages', () => {
    expect(excerpt('a\n  b')).toBe('a b');
    expect(excerpt('x'.repeat(100))).toHaveLength(80);
  });
});
