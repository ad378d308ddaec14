import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TemplateEngine } from './template-engine.js';
import { TemplateError, type TemplateErrorCode } from './template-error.js';
import { TEST_PYTHON } from './test-fixtures/python-bin.js';

async function failure(run: Promise<unknown>): Promise<TemplateError> {
  const error = await run.then(
    (value) => new Error(`expected a TemplateError, got ${JSON.stringify(value)?.slice(0, 200)}`),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TemplateError);
  return error as TemplateError;
}

describe('render budgets', () => {
  let engine: TemplateEngine;
  beforeAll(async () => {
    engine = await TemplateEngine.start({ pythonBin: TEST_PYTHON, poolSize: 1, timeoutMs: 400 });
  });
  afterAll(() => engine?.close());

  it.each<[string, string, TemplateErrorCode]>([
    ['a 30-million range', '{% for i in range(0, 30000000) %}{% endfor %}x', 'TEMPLATE_TOO_LARGE'],
    ['a billion-character repetition', '{{ "x" * 10**9 }}', 'TEMPLATE_TOO_LARGE'],
    ['a huge list repetition', '{{ [1, 2] * 10**8 }}', 'TEMPLATE_TOO_LARGE'],
    ['a huge integer power', '{{ 2 ** 100000000 }}', 'TEMPLATE_TOO_LARGE'],
    ['a huge integer product', '{% set n = 7 ** 30000 %}{{ n * n * n * n * n }}', 'TEMPLATE_TOO_LARGE'],
    [
      'output over 1 MiB',
      '{% for i in range(100000) %}{{ "0123456789abcdefghij" }}{% endfor %}',
      'TEMPLATE_TOO_LARGE',
    ],
    ['a value over 1 MiB as JSON', '{{ ["x" * 1000000, "y" * 100000] }}', 'TEMPLATE_TOO_LARGE'],
    ['an allocation over the memory limit', '{{ "x"|center(900000000) }}', 'TEMPLATE_TOO_LARGE'],
    [
      'nested loops',
      '{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}',
      'TEMPLATE_TIMEOUT',
    ],
    ['endless recursion', '{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}', 'TEMPLATE_ERROR'],
  ])('stops %s with a clear error', async (_name, template, code) => {
    const error = await failure(engine.renderString(template, {}));
    expect(error.code, error.message).toBe(code);
    expect(error.message.length).toBeGreaterThan(20);
  });

  it('stops memory growth that no single operation reveals', async () => {
    const template =
      '{% set a = ["xxxxxxxx"] %}{% for i in range(64) %}{{ a.extend(a) or "" }}{% endfor %}{{ a|length }}';
    const error = await failure(engine.renderString(template, {}));
    expect(['TEMPLATE_TOO_LARGE', 'TEMPLATE_TIMEOUT']).toContain(error.code);
  });

  it('stops the budget inside Python: the helper survives and keeps rendering', async () => {
    const [pid] = engine.helperPids();
    const respawns = engine.respawnCount;
    const error = await failure(
      engine.renderString(
        '{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}',
        {},
      ),
    );
    expect(error.code).toBe('TEMPLATE_TIMEOUT');
    expect(await engine.renderString('{{ 6 * 7 }}', {})).toBe(42);
    expect(engine.helperPids()).toEqual([pid]);
    expect(engine.respawnCount).toBe(respawns);
  });

  it('checks compile-time work of validate() against the same budget', async () => {
    // Jinja folds constant filter calls while compiling: this one would run for minutes.
    const problems = await engine.validate(['{{ "x"|center(3000000)|wordwrap(1) }}', '{{ ok }}']);
    expect(problems.map((p) => [p.index, p.code])).toEqual([[0, 'TEMPLATE_TIMEOUT']]);
  });

  it('refuses contexts over maxContextBytes, counting only the variables read', async () => {
    const small = await TemplateEngine.start({
      pythonBin: TEST_PYTHON,
      poolSize: 1,
      maxContextBytes: 100_000,
    });
    try {
      const context = { big: 'x'.repeat(200_000), n: 1 };
      expect(await small.renderString('{{ n }}', context)).toBe(1);
      const error = await failure(small.renderString('{{ big|length }}', context));
      expect(error.code).toBe('TEMPLATE_TOO_LARGE');
      expect(error.message).toContain('big');
    } finally {
      await small.close();
    }
  });

  it('never blocks the event loop while a render runs', async () => {
    let settled = false;
    const slow = engine
      .renderString('{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}', {})
      .catch((e: unknown) => e)
      .finally(() => {
        settled = true;
      });
    for (let i = 0; i < 5; i += 1) await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    expect(await slow).toBeInstanceOf(TemplateError);
  });
});
