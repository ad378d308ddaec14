/**
 * Template engine benchmark: renders/s and latency of @switchyard/playbook-templates (Jinja2 sandbox in Python
 * helpers) next to in-process nunjucks (what the engine used before), the effect of sending only the variables a
 * template reads, the first render of a new template, and how fast attacks fail while the event loop keeps going.
 *
 *   npx tsx --conditions=@switchyard/source bench/templates/run.ts [--renders 4000] [--concurrency 32]
 */
import { createRequire } from 'node:module';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { TemplateEngine } from '@switchyard/playbook-templates';

interface NunjucksEnvironment {
  renderString(source: string, context: object): string;
}
interface Nunjucks {
  Environment: new (loader: null, options: { autoescape: boolean }) => NunjucksEnvironment;
  Template: new (
    source: string,
    env: NunjucksEnvironment,
    path: null,
    eager: boolean,
  ) => {
    render(context: object): string;
  };
}
const nunjucks = createRequire(import.meta.url)('nunjucks') as Nunjucks;

const { values } = parseArgs({
  options: { renders: { type: 'string', default: '4000' }, concurrency: { type: 'string', default: '32' } },
});
const RENDERS = Math.min(50_000, Number(values.renders));
const CONCURRENCY = Math.min(256, Number(values.concurrency));

const SMALL = 'Hello {{ user.name }}, you have {{ items|length }} items';
const SMALL_CONTEXT = { user: { name: 'ann' }, items: [1, 2, 3] };

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
}

async function sequential(count: number, run: (i: number) => Promise<unknown> | unknown) {
  const times: number[] = [];
  const start = performance.now();
  for (let i = 0; i < count; i += 1) {
    const t = performance.now();
    await run(i);
    times.push(performance.now() - t);
  }
  const total = performance.now() - start;
  times.sort((a, b) => a - b);
  return { perSecond: (count / total) * 1000, p50: percentile(times, 50), p99: percentile(times, 99) };
}

async function concurrent(count: number, width: number, run: (i: number) => Promise<unknown>) {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < count) await run(next++);
    }),
  );
  return (count / (performance.now() - start)) * 1000;
}

const fmt = (n: number, digits = 3) => n.toFixed(digits);
const rows: string[] = [];
const row = (...cells: Array<string | number>) => rows.push(`| ${cells.join(' | ')} |`);

const engine = await TemplateEngine.start();
console.log(
  `jinja2 ${engine.jinja2Version}, pool of ${engine.helperPids().length} helpers, ${RENDERS} renders`,
);

// Warm-up: compile in Python, learn the variables, let V8 optimise.
await sequential(300, () => engine.renderString(SMALL, SMALL_CONTEXT));

rows.push('| case | renders/s | p50 ms | p99 ms |', '|---|---:|---:|---:|');
const seq = await sequential(RENDERS, () => engine.renderString(SMALL, SMALL_CONTEXT));
row('small template, one at a time', fmt(seq.perSecond, 0), fmt(seq.p50), fmt(seq.p99));
const par = await concurrent(RENDERS, CONCURRENCY, () => engine.renderString(SMALL, SMALL_CONTEXT));
row(`small template, ${CONCURRENCY} in flight`, fmt(par, 0), '', '');
const expr = await sequential(RENDERS, () => engine.renderString('{{ items|length * 2 }}', SMALL_CONTEXT));
row('single expression (native value)', fmt(expr.perSecond, 0), fmt(expr.p50), fmt(expr.p99));

// As the engine used it: compiled once, rendered in the event loop.
const nunjucksTemplate = new nunjucks.Template(
  SMALL,
  new nunjucks.Environment(null, { autoescape: false }),
  null,
  true,
);
await sequential(300, () => nunjucksTemplate.render(SMALL_CONTEXT));
const nj = await sequential(RENDERS, () => nunjucksTemplate.render(SMALL_CONTEXT));
row('nunjucks in process (before), small template', fmt(nj.perSecond, 0), fmt(nj.p50), fmt(nj.p99));

const args = Object.fromEntries(
  Array.from({ length: 10 }, (_, i) => [`k${i}`, `{{ user.name }}-${i}-{{ items[0] }}`]),
);
await engine.renderValue(args, SMALL_CONTEXT);
const batch = await sequential(RENDERS / 4, () => engine.renderValue(args, SMALL_CONTEXT));
row('renderValue, 10 templates in one call', fmt(batch.perSecond, 0), fmt(batch.p50), fmt(batch.p99));

// A context of 50 step results of 200 KB each.
const bigContext: Record<string, unknown> = { small: { id: 7 } };
for (let i = 0; i < 50; i += 1) {
  bigContext[`step${i}`] = {
    rows: Array.from({ length: 2_000 }, (_, r) => ({ id: r, text: 'x'.repeat(80) })),
  };
}
const oneStepBytes = JSON.stringify(bigContext.step0).length;
const allBytes = JSON.stringify(bigContext).length;
await engine.renderString('{{ small.id }}', bigContext);
await engine.renderString('{{ step3.rows|length }}', bigContext);
const readsSmall = await sequential(RENDERS / 4, () => engine.renderString('{{ small.id }}', bigContext));
row(
  `50 × ${Math.round(oneStepBytes / 1024)} KB context, template reads a small variable`,
  fmt(readsSmall.perSecond, 0),
  fmt(readsSmall.p50),
  fmt(readsSmall.p99),
);
const readsStep = await sequential(200, () => engine.renderString('{{ step3.rows|length }}', bigContext));
row(
  `same context, template reads one ${Math.round(oneStepBytes / 1024)} KB step`,
  fmt(readsStep.perSecond, 0),
  fmt(readsStep.p50),
  fmt(readsStep.p99),
);
const stringifyAll = await sequential(50, () => JSON.stringify(bigContext));
row(
  `(JSON.stringify of the whole ${(allBytes / 1e6).toFixed(1)} MB context alone, what slicing avoids)`,
  fmt(stringifyAll.perSecond, 0),
  fmt(stringifyAll.p50),
  fmt(stringifyAll.p99),
);

const cold = await sequential(500, (i) => engine.renderString(`{{ items|length + ${i} }}`, SMALL_CONTEXT));
row(
  'first render of a new template (compile + 2 round trips)',
  fmt(cold.perSecond, 0),
  fmt(cold.p50),
  fmt(cold.p99),
);

console.log(rows.join('\n'));

// Attacks: time until the error, and the largest event-loop delay meanwhile.
const attacks: Array<[string, string]> = [
  ['range(0, 30000000) loop', '{% for i in range(0, 30000000) %}{% endfor %}x'],
  ['"x" * 10**9', '{{ "x" * 10**9 }}'],
  [
    'nested 100000 × 100000 loops',
    '{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}',
  ],
  ['2 MB of output', '{% for i in range(100000) %}{{ "0123456789abcdefghij" }}{% endfor %}'],
  ['"x"|center(900000000)', '{{ "x"|center(900000000) }}'],
  ["''.__class__.__mro__[1].__subclasses__()", "{{ ''.__class__.__mro__[1].__subclasses__() }}"],
];
const attackRows = [
  '| attack | error | ms until the error | max event-loop delay ms |',
  '|---|---|---:|---:|',
];
{
  // Baseline: the same measurement while Node only waits (the machine's own scheduling noise).
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  delay.disable();
  attackRows.push(`| (none: Node idles for 1 s, baseline) | | 1000 | ${fmt(delay.max / 1e6, 1)} |`);
}
for (const [name, template] of attacks) {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const t = performance.now();
  const code = await engine.renderString(template, {}).then(
    () => 'none',
    (error: { code?: string }) => error.code ?? 'unknown',
  );
  const elapsed = performance.now() - t;
  delay.disable();
  attackRows.push(
    `| \`${name.replaceAll('|', '\\|')}\` | ${code} | ${fmt(elapsed, 0)} | ${fmt(delay.max / 1e6, 1)} |`,
  );
}
console.log(`\n${attackRows.join('\n')}`);
await engine.close();
