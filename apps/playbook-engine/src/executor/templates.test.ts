import { describe, expect, it } from 'vitest';
import { evaluateCondition, renderString, renderValue, TemplateError } from './templates.js';

describe('templates', () => {
  const ctx = {
    workload: { n: 3, names: ['a', 'b'] },
    fetch: { status_code: 200, body: { items: [{ id: 1 }, { id: 2 }] } },
  };

  it('keeps the type of a single expression and renders mixed text to a string', () => {
    expect(renderString('{{ workload.n * 2 }}', ctx)).toBe(6);
    expect(renderString('{{ workload.names }}', ctx)).toEqual(['a', 'b']);
    expect(renderString('n={{ workload.n }}', ctx)).toBe('n=3');
    expect(renderString('plain', ctx)).toBe('plain');
    expect(renderString('{{ fetch.body.items | map(attribute="id") | list }}', ctx)).toEqual([1, 2]);
    expect(renderValue({ a: ['{{ workload.n }}', { b: '{{ fetch.status_code }}' }] }, ctx)).toEqual({
      a: [3, { b: 200 }],
    });
  });

  it('evaluates conditions with Jinja truthiness', () => {
    expect(evaluateCondition('{{ fetch.status_code == 200 }}', ctx)).toBe(true);
    expect(evaluateCondition('fetch.status_code >= 400', ctx)).toBe(false);
    expect(evaluateCondition('{{ workload.missing }}', ctx)).toBe(false);
    expect(evaluateCondition('{{ [] }}', ctx)).toBe(false);
    expect(evaluateCondition(true, ctx)).toBe(true);
  });

  it('reports broken templates as TemplateError', () => {
    expect(() => renderString('{{ workload.n + }}', ctx)).toThrow(TemplateError);
  });
});
