import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TemplateEngine } from './template-engine.js';
import { TemplateError } from './template-error.js';
import { TEST_PYTHON } from './test-fixtures/python-bin.js';

describe('TemplateEngine', () => {
  let engine: TemplateEngine;
  beforeAll(async () => {
    engine = await TemplateEngine.start({ pythonBin: TEST_PYTHON });
  });
  afterAll(() => engine?.close());

  const ctx = {
    workload: { n: 3, names: ['a', 'b'] },
    fetch: { status_code: 200, body: { items: [{ id: 1 }, { id: 2 }] } },
  };

  it('keeps the type of a single expression and renders mixed text to a string', async () => {
    expect(await engine.renderString('{{ workload.n * 2 }}', ctx)).toBe(6);
    expect(await engine.renderString('{{ workload.names }}', ctx)).toEqual(['a', 'b']);
    expect(await engine.renderString('n={{ workload.n }}', ctx)).toBe('n=3');
    expect(await engine.renderString('plain', ctx)).toBe('plain');
    expect(await engine.renderString('{{ fetch.body["items"] | map(attribute="id") | list }}', ctx)).toEqual([
      1, 2,
    ]);
    expect(await engine.renderString('{{ workload.missing }}', ctx)).toBeNull();
    expect(await engine.renderString('{{ "x" * 3 }}', ctx)).toBe('xxx');
  });

  it('renders every string inside objects and arrays in one call, leaving other values alone', async () => {
    const value = { a: ['{{ workload.n }}', { b: '{{ fetch.status_code }}' }], c: 'plain', d: 4, e: null };
    expect(await engine.renderValue(value, ctx)).toEqual({
      a: [3, { b: 200 }],
      c: 'plain',
      d: 4,
      e: null,
    });
    const untouched = { x: [1, 'two'] };
    const copy = await engine.renderValue(untouched, ctx);
    expect(copy).toEqual(untouched);
    expect(copy).not.toBe(untouched);
  });

  it('evaluates expressions and conditions with Jinja truthiness', async () => {
    expect(await engine.evaluateExpression('fetch.body["items"] | length', ctx)).toBe(2);
    expect(await engine.evaluateCondition('{{ fetch.status_code == 200 }}', ctx)).toBe(true);
    expect(await engine.evaluateCondition('fetch.status_code >= 400', ctx)).toBe(false);
    expect(await engine.evaluateCondition('{{ workload.missing }}', ctx)).toBe(false);
    expect(await engine.evaluateCondition('{{ [] }}', ctx)).toBe(false);
    expect(await engine.evaluateCondition('{% if workload.n > 2 %}yes{% endif %}', ctx)).toBe(true);
    expect(await engine.evaluateCondition(true, ctx)).toBe(true);
    expect(await engine.evaluateCondition(false, ctx)).toBe(false);
  });

  it('offers a now() global in ISO 8601 UTC', async () => {
    expect(await engine.renderString('{{ now() }}', {})).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('sends only the variables a template reads', async () => {
    // A BigInt cannot become JSON: the render works as long as no template reads it.
    const context = { used: 1, unusable: 10n };
    expect(await engine.renderString('{{ used + 1 }}', context)).toBe(2);
    expect(
      await engine.renderValue(['{{ used }}', 'a{% set unusable = 2 %}{{ unusable }}'], context),
    ).toEqual([1, 'a2']);
    await expect(engine.renderString('{{ unusable }}', context)).rejects.toThrow(/not JSON/);
  });

  it('reports broken templates as TemplateError with a code', async () => {
    await expect(engine.renderString('{{ workload.n + }}', ctx)).rejects.toMatchObject({
      name: 'TemplateError',
      code: 'TEMPLATE_SYNTAX',
    });
    await expect(engine.renderString('{{ nothing.here }}', ctx)).rejects.toMatchObject({
      code: 'TEMPLATE_ERROR',
      message: expect.stringContaining("'nothing' is undefined"),
    });
    const error = await engine.renderString('x {% if %}', ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TemplateError);
  });

  it('validates texts at registration: syntax errors with their index, plain text accepted', async () => {
    const problems = await engine.validate([
      'fine',
      '{{ ok }}',
      '{{ unclosed',
      'a {% for %}',
      '{{ a }} {{ b ',
    ]);
    expect(problems.map((p) => p.index)).toEqual([2, 3, 4]);
    expect(problems.every((p) => p.code === 'TEMPLATE_SYNTAX')).toBe(true);
    expect(problems[0]!.message).toContain('{{ unclosed');
    expect(await engine.validate(['x >= 1', 'x >=', '{{ y }}'], 'condition')).toMatchObject([{ index: 1 }]);
    expect(await engine.validate([])).toEqual([]);
  });

  it('keeps templates that rendered before working after errors', async () => {
    await expect(engine.renderString('{{ 1 / 0 }}', {})).rejects.toThrow(TemplateError);
    expect(await engine.renderString('{{ 1 / 2 }}', {})).toBe(0.5);
  });
});
