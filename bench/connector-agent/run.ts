/**
 * Connector agent benchmark: the fixed query set against the agent at scale 1 and scale 100 (synthetic data),
 * sequential requests over HTTP, p50/p99 latency and rows/s, and the scale100/scale1 ratio per query.
 *
 *   node --import tsx --conditions=@switchyard/source bench/connector-agent/run.ts [--scales 1,100] [--budget-ms 4000]
 */
import { request } from 'undici';
import { CONFIG_HEADER, SOURCE_NAME_HEADER } from '@switchyard/dc-api';
import { startChildApp } from '@switchyard/testing';
import { benchQueries, type BenchQuery } from './queries.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

const scales = arg('scales', '1,100').split(',').map(Number);
const budgetMs = Number(arg('budget-ms', '4000'));
const maxIterations = Number(arg('max-iterations', '200'));
const minIterations = 5;

interface Result {
  p50: number;
  p99: number;
  iterations: number;
  rows: number;
  bytes: number;
}

/** Objects in a response, nested ones included. */
function countRows(value: unknown): number {
  if (Array.isArray(value)) return value.reduce<number>((n, v) => n + countRows(v), 0);
  if (value && typeof value === 'object')
    return (
      1 +
      Object.values(value).reduce<number>((n, v) => n + (v && typeof v === 'object' ? countRows(v) : 0), 0)
    );
  return 0;
}

async function send(url: string, query: BenchQuery): Promise<string> {
  const res = await request(`${url}/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [SOURCE_NAME_HEADER]: 'bench', [CONFIG_HEADER]: '{}' },
    body: JSON.stringify(query.request),
  });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`${query.name}: HTTP ${res.statusCode} ${text.slice(0, 300)}`);
  return text;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function measure(url: string, query: BenchQuery): Promise<Result> {
  const first = await send(url, query);
  const rows = countRows(JSON.parse(first));
  await send(url, query);
  const times: number[] = [];
  const started = performance.now();
  while (
    times.length < maxIterations &&
    (times.length < minIterations || performance.now() - started < budgetMs)
  ) {
    const t = performance.now();
    await send(url, query);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return {
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    iterations: times.length,
    rows,
    bytes: first.length,
  };
}

const fmt = (ms: number) => (ms < 10 ? ms.toFixed(2) : ms.toFixed(1));
const results = new Map<number, Map<string, Result>>();

for (const scale of scales) {
  const loadStarted = performance.now();
  const app = await startChildApp({
    app: 'connector-agent',
    env: {
      DATASET_PATH: '',
      DATASET: 'synthetic',
      SYNTHETIC_SCALE: String(scale),
      LOG_LEVEL: 'warn',
      NODE_OPTIONS: '--max-old-space-size=8192 --max-semi-space-size=64',
    },
    timeoutMs: 300_000,
  });
  const loadMs = performance.now() - loadStarted;
  const perQuery = new Map<string, Result>();
  results.set(scale, perQuery);
  try {
    console.log(
      `\n### scale ${scale} (${(15_607 * scale).toLocaleString('en-US')} rows, started and loaded in ${(loadMs / 1000).toFixed(1)} s)\n`,
    );
    console.log('| query | rows | p50 ms | p99 ms | rows/s | runs |');
    console.log('|---|---:|---:|---:|---:|---:|');
    for (const query of benchQueries) {
      const r = await measure(app.url, query);
      perQuery.set(query.name, r);
      const rowsPerSecond = r.rows === 0 ? 0 : Math.round(r.rows / (r.p50 / 1000));
      console.log(
        `| ${query.name} | ${r.rows.toLocaleString('en-US')} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${rowsPerSecond.toLocaleString('en-US')} | ${r.iterations} |`,
      );
    }
  } finally {
    await app.stop('SIGTERM');
  }
}

if (scales.length >= 2) {
  const [low, high] = [scales[0]!, scales[scales.length - 1]!];
  console.log(
    `\n### ratio scale${high}/scale${low} (data grows ${high / low}x; linear cost means a ratio near ${high / low})\n`,
  );
  console.log('| query | relationship | rows ratio | p50 ratio |');
  console.log('|---|---|---:|---:|');
  for (const query of benchQueries) {
    const a = results.get(low)!.get(query.name)!;
    const b = results.get(high)!.get(query.name)!;
    const rowsRatio = a.rows === 0 ? '-' : (b.rows / a.rows).toFixed(1);
    console.log(
      `| ${query.name} | ${query.relationship ? 'yes' : 'no'} | ${rowsRatio} | ${(b.p50 / a.p50).toFixed(1)} |`,
    );
  }
}
