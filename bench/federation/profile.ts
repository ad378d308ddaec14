/**
 * CPU profile of the built router (`node --cpu-prof dist/main.js`, production mode) under the benchmark's deep
 * query; prints the functions with the most self time and keeps the .cpuprofile (open it in Chrome DevTools or
 * speedscope for a flame graph). Build first: `npm run build`.
 *
 *   npx tsx --conditions=@switchyard/source bench/federation/profile.ts [--duration 10] [--connections 20]
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { composeSupergraph } from '@switchyard/federation';
import { getFreePort, spawnManaged, tsNodeArgs, waitFor } from '@switchyard/testing';
import autocannon from 'autocannon';
import { deepQuery } from './data.js';
import { benchSubgraphs } from './subgraphs.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time per function, in ms, largest first. */
function selfTimes(profile: CpuProfile): Array<[string, number]> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]!);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url.replace(/^.*\/(node_modules\/|libs\/|apps\/)/, '$1');
    const name = `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`;
    totals.set(name, (totals.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  }
  return [...totals].sort((a, b) => b[1] - a[1]);
}

const work = mkdtempSync(join(tmpdir(), 'fed-profile-'));
const subgraphs = spawnManaged(process.execPath, tsNodeArgs(join(here, 'subgraphs.ts')), { cwd: root });
const urls = await new Promise<Record<string, string>>((resolveUrls) => {
  let buffer = '';
  subgraphs.child.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    if (buffer.includes('\n')) resolveUrls(JSON.parse(buffer.slice(0, buffer.indexOf('\n'))));
  });
});
const supergraphPath = join(work, 'supergraph.graphql');
writeFileSync(
  supergraphPath,
  composeSupergraph(
    Object.entries(benchSubgraphs).map(([name, def]) => ({ name, url: urls[name]!, sdl: def.typeDefs })),
  ),
);
const port = await getFreePort();
const router = spawnManaged(
  process.execPath,
  ['--cpu-prof', '--cpu-prof-dir', work, join(root, 'apps/federation-router/dist/main.js')],
  {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      SUPERGRAPH_WATCH: 'false',
      SUPERGRAPH_PATH: supergraphPath,
      PORT: String(port),
      HOST: '127.0.0.1',
    },
  },
);
const url = `http://127.0.0.1:${port}/graphql`;
const body = JSON.stringify({ query: deepQuery });
try {
  await waitFor(
    url,
    async () =>
      (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).ok,
    { timeoutMs: 30_000, intervalMs: 250 },
  );
  const result = await new Promise<autocannon.Result>((resolveRun, reject) =>
    autocannon(
      {
        url,
        method: 'POST',
        connections: arg('connections', 20),
        duration: arg('duration', 10),
        headers: { 'content-type': 'application/json' },
        body,
      },
      (error, r) => (error ? reject(error) : resolveRun(r)),
    ),
  );
  console.log(
    `${result.requests.average.toFixed(0)} req/s, p99 ${result.latency.p99} ms (under the profiler)`,
  );
} finally {
  await router.stop('SIGTERM', 10_000);
  await subgraphs.stop('SIGTERM', 5_000);
}
const file = readdirSync(work).find((f) => f.endsWith('.cpuprofile'));
if (!file) throw new Error(`no profile written in ${work}`);
const profile = JSON.parse(readFileSync(join(work, file), 'utf8')) as CpuProfile;
const times = selfTimes(profile);
const total = times.reduce((n, [, ms]) => n + ms, 0);
for (const [name, ms] of times.slice(0, arg('top', 30)))
  console.log(`${((ms / total) * 100).toFixed(1).padStart(5)} %  ${name}`);
console.log(`profile: ${join(work, file)}`);
