import { afterEach, describe, expect, it } from 'vitest';
import { TemplateEngine } from './template-engine.js';
import { TemplateError } from './template-error.js';
import { TEST_PYTHON } from './test-fixtures/python-bin.js';

/** Waits until the pool runs a helper other than `pids`, and returns its pid. */
async function replacementOf(engine: TemplateEngine, ...pids: number[]): Promise<number> {
  for (;;) {
    const other = engine.helperPids().find((p) => !pids.includes(p));
    if (other !== undefined) return other;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const LOOP = '{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}';

describe('helper pool', () => {
  let engine: TemplateEngine | undefined;
  afterEach(async () => {
    await engine?.close();
    engine = undefined;
  });

  it('kills a helper that does not answer within budget + 500 ms; later renders work on a new one', async () => {
    engine = await TemplateEngine.start({ pythonBin: TEST_PYTHON, poolSize: 1, timeoutMs: 200 });
    const [pid] = engine.helperPids();
    // A stopped process cannot answer nor run its own timer: only Node's deadline can end this render.
    process.kill(pid!, 'SIGSTOP');
    const error = await engine.renderString('{{ 1 }}', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TemplateError);
    expect((error as TemplateError).code).toBe('TEMPLATE_TIMEOUT');
    expect(await engine.renderString('{{ 2 + 2 }}', {})).toBe(4);
    expect(engine.helperPids()).not.toContain(pid);
    expect(engine.respawnCount).toBe(1);
  });

  it('tries a render once more when its helper dies, fails it when the second helper dies too', async () => {
    engine = await TemplateEngine.start({ pythonBin: TEST_PYTHON, poolSize: 1, timeoutMs: 20_000 });
    await engine.validate([LOOP]);
    const [first] = engine.helperPids();
    // The variables are known after validate(): the render request is written before renderString returns.
    const running = engine.renderString(LOOP, {}).catch((e: unknown) => e);
    process.kill(first!, 'SIGKILL');
    const second = await replacementOf(engine, first!);
    process.kill(second, 'SIGKILL');
    const error = (await running) as TemplateError;
    expect(error).toBeInstanceOf(TemplateError);
    expect(error.code).toBe('TEMPLATE_ERROR');
    expect(error.message).toMatch(/helper exited/);
    expect(await engine.renderString('{{ [1, 2]|sum }}', {})).toBe(3);
    expect(engine.respawnCount).toBe(2);
  });

  it('replaces a helper that dies while idle', async () => {
    engine = await TemplateEngine.start({ pythonBin: TEST_PYTHON, poolSize: 2 });
    const pids = engine.helperPids();
    process.kill(pids[0]!, 'SIGKILL');
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => engine!.renderString('{{ i * 2 }}', { i })),
    );
    expect(results).toEqual(Array.from({ length: 10 }, (_, i) => i * 2));
    const replacement = await replacementOf(engine, pids[1]!, pids[0]!);
    expect(pids).not.toContain(replacement);
  });

  it('runs many concurrent renders without mixing their contexts', async () => {
    engine = await TemplateEngine.start({ pythonBin: TEST_PYTHON, poolSize: 2 });
    const renders = Array.from({ length: 200 }, (_, i) =>
      engine!.renderValue(
        { id: '{{ id }}', text: 'item-{{ id }}-{{ tags|join(",") }}' },
        { id: i, tags: [i, i + 1] },
      ),
    );
    const results = await Promise.all(renders);
    results.forEach((result, i) => expect(result).toEqual({ id: i, text: `item-${i}-${i},${i + 1}` }));
  });

  it('keeps serving other renders while one runs out of time', async () => {
    engine = await TemplateEngine.start({ pythonBin: TEST_PYTHON, poolSize: 2, timeoutMs: 500 });
    const slow = engine.renderString(LOOP, {}).catch((e: unknown) => e);
    const quick = await Promise.all(
      Array.from({ length: 20 }, (_, i) => engine!.renderString('{{ i }}', { i })),
    );
    expect(quick).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(((await slow) as TemplateError).code).toBe('TEMPLATE_TIMEOUT');
  });

  it('rejects renders after close', async () => {
    const closing = await TemplateEngine.start({ pythonBin: TEST_PYTHON, poolSize: 1 });
    await closing.close();
    await expect(closing.renderString('{{ 1 }}', {})).rejects.toThrow(/closed/);
  });

  it('fails to start with the way to install Python and jinja2 when the interpreter is missing', async () => {
    await expect(TemplateEngine.start({ pythonBin: '/nonexistent/python3' })).rejects.toThrow(
      /python3-jinja2/,
    );
  });
});
