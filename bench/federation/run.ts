/**
 * Federation router benchmark: our router (built, production mode; one process and WORKERS=2), @apollo/gateway,
 * @graphql-hive/gateway (with and without its Rust planner) and a bound of our own (a minimal router replaying our
 * plan's subgraph fetches and merging the JSON), one after another over the same subgraphs, driven by autocannon
 * with one deep query. Builds the router first.
 *
 *   npx tsx --conditions=@switchyard/source bench/federation/run.ts [--duration 10] [--connections 20]
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getFreePort, spawnManaged, tsNodeArgs, waitFor, type ManagedProcess } from '@switchyard/testing';
import {
  composeSupergraph,
  FederationGateway,
  normalizeOperation,
  parseSupergraph,
  printPlan,
  QueryPlanner,
  selectOperation,
} from '@switchyard/federation';
import autocannon from 'autocannon';
import { parse } from 'graphql';
import { format, resolveConfig } from 'prettier';
import { deepQuery } from './data.js';
import { benchSubgraphs } from './subgraphs.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const DURATION = arg('duration', 10);
const CONNECTIONS = arg('connections', 20);
const WARMUP = arg('warmup', 3);

interface Peer {
  name: string;
  entry: string;
  env?: Record<string, string>;
  /** Plain JavaScript (the built router): run with node, not through tsx. */
  built?: boolean;
  /** Its response is merged subgraph JSON, not shaped: not compared with ours. */
  unshaped?: boolean;
}

const routerEntry = join(root, 'apps/federation-router/dist/main.js');
const routerEnv = { LOG_LEVEL: 'warn', SUPERGRAPH_WATCH: 'false', HOST: '127.0.0.1' };
const peers: Peer[] = [
  { name: 'switchyard router', entry: routerEntry, env: routerEnv, built: true },
  {
    name: 'switchyard router, WORKERS=2',
    entry: routerEntry,
    env: { ...routerEnv, WORKERS: '2' },
    built: true,
  },
  { name: 'bound (minimal replay of our plan)', entry: join(here, 'peers/bound.ts'), unshaped: true },
  { name: '@apollo/gateway 2.14', entry: join(here, 'peers/apollo-gateway.ts') },
  { name: '@graphql-hive/gateway 2.15', entry: join(here, 'peers/hive-gateway.ts') },
  {
    name: 'hive gateway + router-runtime',
    entry: join(here, 'peers/hive-gateway.ts'),
    env: { HIVE_RUNTIME: 'router' },
  },
];

/** Runs a TypeScript entry from source; output is read (and kept for errors) so a chatty peer never blocks. */
function start(entry: string, env: Record<string, string>, built = false): ManagedProcess {
  return spawnManaged(process.execPath, built ? [entry] : tsNodeArgs(entry), {
    cwd: root,
    // METADATA_SERVER_DETECTION=none stops the peers' OpenTelemetry GCP detectors from probing the cloud
    // metadata address: the benchmark stays on 127.0.0.1.
    env: { ...process.env, NODE_ENV: 'production', METADATA_SERVER_DETECTION: 'none', ...env },
  });
}

function firstLine(proc: ManagedProcess): Promise<string> {
  return new Promise((resolveLine, reject) => {
    let buffer = '';
    proc.child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const nl = buffer.indexOf('\n');
      if (nl >= 0) resolveLine(buffer.slice(0, nl));
    });
    void proc.exited.then((code) => reject(new Error(`exited with ${code}: ${proc.output().slice(-2000)}`)));
  });
}

function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmHWM:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) / 1024 : NaN;
}

/** Peak RSS of a process and its children (the workers of WORKERS=N), summed. */
function peakRssTreeMb(pid: number): number {
  let total = peakRssMb(pid);
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    for (const child of children ? children.split(/\s+/) : []) total += peakRssTreeMb(Number(child));
  } catch {
    // No children file: the process alone.
  }
  return total;
}

async function post(url: string): Promise<{ status: number; text: string }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: deepQuery }),
  });
  return { status: res.status, text: await res.text() };
}

async function waitReady(url: string, proc: ManagedProcess): Promise<string> {
  let text = '';
  let exited = false;
  void proc.exited.then(() => (exited = true));
  await waitFor(
    url,
    async () => {
      if (exited) throw new Error(`peer exited during start-up: ${proc.output().slice(-2000)}`);
      const res = await post(url);
      text = res.text;
      return res.status === 200;
    },
    { timeoutMs: 60_000, intervalMs: 250 },
  );
  return text;
}

function canonical(text: string): string {
  const sort = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sort)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.entries(v)
              .sort(([a], [b]) => a.localeCompare(b))
              .map(([k, x]) => [k, sort(x)]),
          )
        : v;
  return JSON.stringify(sort(JSON.parse(text)));
}

function run(url: string, duration: number): Promise<autocannon.Result> {
  return new Promise((resolveRun, reject) => {
    autocannon(
      {
        url,
        method: 'POST',
        connections: CONNECTIONS,
        duration,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: deepQuery }),
      },
      (error, result) => (error ? reject(error) : resolveRun(result)),
    );
  });
}

function countFetches(sdl: string): number {
  const gateway = new FederationGateway({ supergraphSdl: sdl });
  const text = printPlan(gateway.planFor(deepQuery));
  void gateway.close();
  return text.match(/Fetch\(service:/g)?.length ?? 0;
}

interface ColdPlanning {
  /** Planner only, the first plan in this process (includes JIT warm-up). */
  firstPlan: number;
  /** Planner only, median over fresh planners. */
  medianPlan: number;
  /** Parse + validate + plan on a fresh gateway (empty caches), median. */
  medianRequest: number;
  /** Preparing the same request again (document and plan cache hits, variables coerced), microseconds. */
  cacheHitMicros: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function coldPlanning(sdl: string): ColdPlanning {
  const document = parse(deepQuery);
  const operation = normalizeOperation(document, selectOperation(document), {});
  const supergraph = parseSupergraph(sdl);
  const plans: number[] = [];
  for (let i = 0; i < 15; i++) {
    const planner = new QueryPlanner(supergraph);
    const t0 = performance.now();
    planner.plan(operation);
    plans.push(performance.now() - t0);
  }
  const requests: number[] = [];
  for (let i = 0; i < 15; i++) {
    const gateway = new FederationGateway({ supergraphSdl: sdl });
    const t0 = performance.now();
    gateway.planFor(deepQuery);
    requests.push(performance.now() - t0);
    void gateway.close();
  }
  const gateway = new FederationGateway({ supergraphSdl: sdl });
  gateway.planFor(deepQuery);
  const rounds = 5_000;
  const t0 = performance.now();
  for (let i = 0; i < rounds; i++) gateway.prepare({ query: deepQuery });
  const cacheHitMicros = ((performance.now() - t0) * 1000) / rounds;
  void gateway.close();
  return { firstPlan: plans[0]!, medianPlan: median(plans), medianRequest: median(requests), cacheHitMicros };
}

interface Row {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  rssMb: number;
  errors: number;
  sameResponse: boolean | undefined;
}

const load = loadavg()[0]!;
const subgraphs = start(join(here, 'subgraphs.ts'), {});
const work = mkdtempSync(join(tmpdir(), 'fed-bench-'));
const rows: Row[] = [];
let responseBytes = 0;
let cold: ColdPlanning = { firstPlan: NaN, medianPlan: NaN, medianRequest: NaN, cacheHitMicros: NaN };
for (const project of ['libs/service-kit', 'libs/federation', 'apps/federation-router'])
  execFileSync(
    process.execPath,
    [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, project, 'tsconfig.build.json')],
    {
      stdio: 'inherit',
    },
  );
let fetches = 0;
try {
  const urls = JSON.parse(await firstLine(subgraphs)) as Record<string, string>;
  const supergraphSdl = composeSupergraph(
    Object.entries(benchSubgraphs).map(([name, def]) => ({ name, url: urls[name]!, sdl: def.typeDefs })),
  );
  const supergraphPath = join(work, 'supergraph.graphql');
  writeFileSync(supergraphPath, supergraphSdl);
  cold = coldPlanning(supergraphSdl);
  fetches = countFetches(supergraphSdl);
  console.log(
    `cold planning of the deep query: first plan in process ${cold.firstPlan.toFixed(2)} ms, ` +
      `median ${cold.medianPlan.toFixed(2)} ms; parse + validate + plan median ${cold.medianRequest.toFixed(2)} ms; ` +
      `plan-cache hit ${cold.cacheHitMicros.toFixed(1)} µs`,
  );

  let reference: string | undefined;
  for (const peer of peers) {
    const port = await getFreePort();
    const child = start(
      peer.entry,
      { ...peer.env, PORT: String(port), SUPERGRAPH_PATH: supergraphPath },
      peer.built,
    );
    const url = `http://127.0.0.1:${port}/graphql`;
    try {
      const text = await waitReady(url, child);
      responseBytes ||= Buffer.byteLength(text);
      reference ??= canonical(text);
      const sameResponse = peer.unshaped ? undefined : canonical(text) === reference;
      await run(url, WARMUP);
      const result = await run(url, DURATION);
      const row: Row = {
        name: peer.name,
        rps: result.requests.average,
        p50: result.latency.p50,
        p99: result.latency.p99,
        rssMb: peakRssTreeMb(child.child.pid!),
        errors: result.errors + result.non2xx,
        sameResponse,
      };
      rows.push(row);
      console.log(
        `${row.name}: ${row.rps.toFixed(0)} req/s, p50 ${row.p50} ms, p99 ${row.p99} ms, peak RSS ${row.rssMb.toFixed(0)} MB`,
      );
    } catch (error) {
      console.error(`${peer.name}: ${(error as Error).message}`);
    } finally {
      await child.stop('SIGTERM', 5_000);
    }
  }
} finally {
  await subgraphs.stop('SIGTERM', 5_000);
  rmSync(work, { recursive: true, force: true });
}

const ours = rows[0];
const table = [
  '| peer | req/s | p50 ms | p99 ms | peak RSS MB | errors | same response | our req/s ÷ peer req/s |',
  '|---|---:|---:|---:|---:|---:|---|---:|',
  ...rows.map(
    (r) =>
      `| ${r.name} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.rssMb.toFixed(0)} | ${r.errors} | ${r.sameResponse === undefined ? 'n/a (unshaped)' : r.sameResponse ? 'yes' : 'NO'} | ${ours ? (ours.rps / r.rps).toFixed(2) : '-'} |`,
  ),
].join('\n');
const find = (prefix: string) => rows.find((r) => r.name.startsWith(prefix));
const rust = find('hive gateway + router-runtime');
const bound = find('bound');
const hive = find('@graphql-hive/gateway');
const peerRows = rows.filter((r) => !r.name.startsWith('switchyard') && r !== bound);
const fmt = (n: number | undefined, digits = 2) =>
  n === undefined || !Number.isFinite(n) ? '-' : n.toFixed(digits);
const targets = ours
  ? [
      `- throughput ÷ Hive Gateway with its Rust planner: ${fmt(rust && ours.rps / rust.rps)} (target ≥ 2)`,
      `- throughput ÷ bound: ${fmt(bound && (ours.rps / bound.rps) * 100, 0)} % (target ≥ 50 %)`,
      `- p99 ${ours.p99} ms; lowest peer p99 ${Math.min(...peerRows.map((r) => r.p99))} ms (target: below every peer)`,
      `- peak RSS ${ours.rssMb.toFixed(0)} MB; Hive Gateway ${fmt(hive?.rssMb, 0)} MB, with Rust planner ${fmt(rust?.rssMb, 0)} MB (target: not above Hive's)`,
      `- WORKERS=2 ÷ one process: ${fmt(find('switchyard router, WORKERS') && find('switchyard router, WORKERS')!.rps / ours.rps)}`,
    ].join('\n')
  : '';
console.log(targets);
console.log(`\n${table}\n`);

const report = `# Federation router benchmark

Command (from the repository root):

\`\`\`
npx tsx --conditions=@switchyard/source bench/federation/run.ts --duration ${DURATION} --connections ${CONNECTIONS}
\`\`\`

What runs: the router built (\`node apps/federation-router/dist/main.js\`, \`NODE_ENV=production\`), once as one
process and once with \`WORKERS=2\`; four subgraphs (accounts, products, inventory with \`@requires(fields: "price weight")\`, reviews with
\`@provides(fields: "username")\`) in one child process, built with \`@apollo/subgraph\`; they memoize each answer
by request body after executing it once, so that the gateways, not graphql-js in the subgraphs, are measured; then each gateway in turn, in its own process, over the same
subgraphs and supergraph. autocannon posts one deep query (${(responseBytes / 1024).toFixed(1)} KB response, ${fetches} subgraph
fetches in our plan) with ${CONNECTIONS} connections for ${WARMUP} s of warm-up and ${DURATION} s of measurement. "same response"
compares each peer's JSON answer to ours. Peak RSS is the gateway process's VmHWM (summed over the primary and its
workers for WORKERS=2). The bound (\`peers/bound.ts\`) is a minimal router of our own: it replays exactly the subgraph
fetches of our plan for this query (planned once at start-up) and merges the JSON, with no parsing, validation,
planning, response shaping, metrics or logging per request.

Latest run: ${new Date().toISOString()} — Node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}),
1-minute load average at start ${load.toFixed(2)}.${load > 0.5 ? ' The machine was shared with other work during the run, so absolute figures are noisy; the ratios are the useful part.' : ''}

Cold planning time of the deep query (empty plan cache): planner alone ${cold.firstPlan.toFixed(2)} ms for the first plan in a fresh
process (JIT warm-up included), median ${cold.medianPlan.toFixed(2)} ms over fresh planners; parse + validate + plan on a fresh
gateway, median ${cold.medianRequest.toFixed(2)} ms. A plan-cache hit (the same request prepared again: document and plan
from the caches, variables coerced) costs ${cold.cacheHitMicros.toFixed(1)} µs.

${table}

${targets}
`;
writeFileSync(
  join(here, 'RESULTS.md'),
  await format(report, { parser: 'markdown', ...(await resolveConfig(join(here, 'RESULTS.md'))) }),
);
console.log(`wrote ${join(here, 'RESULTS.md')}`);
