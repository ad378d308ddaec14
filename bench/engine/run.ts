/**
 * Playbook engine benchmark: the engine before the worker split (a commit where tools ran in-process and
 * templates were nunjucks) against this checkout (workers over NATS, Jinja2 sandbox helpers, API token), in one
 * run, each built and started in production mode with its own fresh Postgres database and NATS server.
 * Measures executions/s and submit → terminal-event latency of a 3-step template playbook and of a playbook with
 * a python step, from a bounded closed loop of concurrent clients, and CPU time per execution by process.
 *
 *   npx tsx --conditions=@switchyard/source bench/engine/run.ts [--clients 16] [--warmup 5] [--seconds 20]
 *     [--rounds 2] [--before eaedbfa] [--before-dir <built checkout>] [--keep-before] [--profile]
 *     [--python /usr/bin/python3]
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createEngineClient, type EngineClient } from '@switchyard/engine-client';
import { connectNats } from '@switchyard/execution-events';
import { startNats, startPostgres, type TestPostgres } from '@switchyard/testing';
import pg from 'pg';
import { prepareCommit, prepareCurrent, type Checkout } from './checkouts.js';
import { closedLoop, percentile, type LoopResult } from './closed-loop.js';
import { startBuiltEngine } from './engine-process.js';
import { pythonPlaybook, templatePlaybook, type BenchPlaybook } from './playbooks.js';
import { cpuBetween, findProcess, treeCpu, type TreeCpu } from './process-cpu.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../..');

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '16' },
    warmup: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '20' },
    rounds: { type: 'string', default: '2' },
    before: { type: 'string', default: 'eaedbfa' },
    'before-dir': { type: 'string' },
    'keep-before': { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    python: { type: 'string', default: '/usr/bin/python3' },
  },
});
const CLIENTS = Math.max(1, Math.min(64, Number(values.clients)));
const WARMUP = Math.max(1, Math.min(60, Number(values.warmup)));
const SECONDS = Math.max(2, Math.min(120, Number(values.seconds)));
const ROUNDS = Math.max(1, Math.min(4, Number(values.rounds)));
const PLAYBOOKS = [templatePlaybook, pythonPlaybook];

const log = (line: string) => console.error(`[bench/engine] ${line}`);

type Variant = 'before' | 'after';

interface Sample {
  variant: Variant;
  playbook: string;
  loop: LoopResult;
  /** CPU seconds in the measured window, by process group. */
  cpu: { engine: number; workers: number; python: number; postgres: number; nats: number };
}

async function createDatabase(postgres: TestPostgres, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: postgres.url });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(postgres.url);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Runs one execution and checks that its results hold what the playbook computes. */
async function checkResult(client: EngineClient, playbook: BenchPlaybook): Promise<void> {
  const run = await client.runPlaybook({ path: playbook.path, args: playbook.args(7) });
  for (let attempt = 0; attempt < 600; attempt++) {
    const status = await client.getExecutionStatus(run.execution_id);
    if (status.completed) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const detail = await client.getExecution(run.execution_id);
  const text = JSON.stringify(detail);
  if (detail.status !== 'COMPLETED' || !text.includes(playbook.expected(7))) {
    throw new Error(
      `${playbook.name}: execution ${run.execution_id} ended ${detail.status} without "${playbook.expected(7)}": ${text.slice(0, 3000)}`,
    );
  }
}

function readCpu(enginePid: number, postgresPid: number, natsPid: number) {
  return {
    engine: treeCpu(enginePid, /playbook-worker/),
    postgres: treeCpu(postgresPid),
    nats: treeCpu(natsPid),
  };
}

async function measure(
  variant: Variant,
  checkout: Checkout,
  postgres: TestPostgres,
  postgresPid: number,
  runIndex: number,
  profileDir: string | undefined,
): Promise<Sample[]> {
  const nats = await startNats();
  const lockDir = mkdtempSync(join(tmpdir(), 'bench-engine-uids-'));
  const token = randomBytes(24).toString('hex');
  const databaseUrl = await createDatabase(postgres, `bench_${variant}_${runIndex}`);
  const env: Record<string, string> = {
    NATS_URL: nats.url,
    DATABASE_URL: databaseUrl,
    REGISTER_EXAMPLES: 'false',
    // One real interpreter for the python steps of both engines (a version-manager shim on PATH costs a shell
    // and more per start, and the unprivileged step user of the newer engine cannot run one under /root).
    PYTHON_BIN: values.python!,
    ...(variant === 'after' ? { ENGINE_API_TOKEN: token, PYTHON_STEP_LOCK_DIR: lockDir } : {}),
  };
  const nodeArgs = profileDir
    ? ['--cpu-prof', `--cpu-prof-dir=${join(profileDir, `${variant}-${runIndex}`)}`]
    : [];
  log(`${variant} (${checkout.commit}): starting the engine`);
  const engine = await startBuiltEngine({ root: checkout.root, env, nodeArgs });
  const client = createEngineClient({
    baseUrl: engine.url,
    connections: CLIENTS,
    timeoutMs: 30_000,
    ...(variant === 'after' ? { token } : {}),
  });
  const nc = await connectNats(nats.url);
  const natsPid = findProcess(['nats-server', `-p ${nats.port}`]) ?? 0;
  const samples: Sample[] = [];
  try {
    for (const playbook of PLAYBOOKS) {
      await client.registerPlaybook(playbook.yaml);
      await checkResult(client, playbook);
    }
    for (const playbook of PLAYBOOKS) {
      let first: ReturnType<typeof readCpu> | undefined;
      let last: ReturnType<typeof readCpu> | undefined;
      const loop = await closedLoop({
        client,
        nc,
        path: playbook.path,
        args: playbook.args,
        clients: CLIENTS,
        warmupSeconds: WARMUP,
        seconds: SECONDS,
        onWindow: (edge) => {
          const reading = readCpu(engine.pid, postgresPid, natsPid);
          if (edge === 'open') first = reading;
          else last = reading;
        },
      });
      const e: TreeCpu = cpuBetween(first!.engine, last!.engine);
      samples.push({
        variant,
        playbook: playbook.name,
        loop,
        cpu: {
          engine: e.self,
          workers: e.matching,
          python: Math.max(0, e.tree - e.self - e.matching),
          postgres: cpuBetween(first!.postgres, last!.postgres).tree,
          nats: cpuBetween(first!.nats, last!.nats).tree,
        },
      });
      log(
        `${variant} ${playbook.name}: ${loop.perSecond.toFixed(1)} executions/s, p50 ${percentile(loop.latencies, 50).toFixed(0)} ms, ${loop.errors} errors${loop.firstError ? ` (first: ${loop.firstError})` : ''}`,
      );
    }
  } finally {
    await nc.close();
    await client.close();
    const code = await engine.stop();
    if (code !== 0) log(`${variant} engine exited with ${code}: ${engine.process.output().slice(-2000)}`);
    await nats.stop();
    rmSync(lockDir, { recursive: true, force: true });
  }
  return samples;
}

interface Row {
  variant: Variant;
  playbook: string;
  completed: number;
  errors: number;
  perSecond: number;
  p50: number;
  p99: number;
  cpuMs: Sample['cpu'];
}

function summarize(samples: Sample[], variant: Variant, playbook: string): Row {
  const mine = samples.filter((s) => s.variant === variant && s.playbook === playbook);
  const completed = mine.reduce((n, s) => n + s.loop.completed, 0);
  const seconds = mine.reduce((n, s) => n + s.loop.seconds, 0);
  const latencies = mine.flatMap((s) => s.loop.latencies).sort((a, b) => a - b);
  const per = (pick: (s: Sample) => number) =>
    (1000 * mine.reduce((n, s) => n + pick(s), 0)) / Math.max(1, completed);
  return {
    variant,
    playbook,
    completed,
    errors: mine.reduce((n, s) => n + s.loop.errors, 0),
    perSecond: completed / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    cpuMs: {
      engine: per((s) => s.cpu.engine),
      workers: per((s) => s.cpu.workers),
      python: per((s) => s.cpu.python),
      postgres: per((s) => s.cpu.postgres),
      nats: per((s) => s.cpu.nats),
    },
  };
}

const loadAtStart = loadavg();
const profileDir = values.profile ? join(here, 'results', `profile-${Date.now()}`) : undefined;
if (profileDir) mkdirSync(profileDir, { recursive: true });
const after = await prepareCurrent(repoRoot, log);
const before = await prepareCommit({
  repoRoot,
  commit: values.before!,
  existing: values['before-dir'],
  keep: values['keep-before'],
  log,
});
const postgres = await startPostgres();
const samples: Sample[] = [];
try {
  const postgresPort = new URL(postgres.url).port;
  const postgresPid = findProcess(['postgres', `-p ${postgresPort}`]) ?? 0;
  let runIndex = 0;
  for (let round = 0; round < ROUNDS; round++) {
    // before, after, after, before, ...: a load that drifts during the run weighs on both alike.
    const order: Variant[] = round % 2 === 0 ? ['before', 'after'] : ['after', 'before'];
    for (const variant of order) {
      samples.push(
        ...(await measure(
          variant,
          variant === 'before' ? before : after,
          postgres,
          postgresPid,
          runIndex++,
          profileDir,
        )),
      );
    }
  }
} finally {
  await postgres.stop();
  await before.dispose();
}

const rows = PLAYBOOKS.flatMap((p) => [
  summarize(samples, 'before', p.name),
  summarize(samples, 'after', p.name),
]);
const f = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '–');
console.log(
  `\nOne run, ${new Date().toISOString()}: ${CLIENTS} clients in a closed loop (submit via POST /api/run/playbook, wait for the terminal event on NATS), ` +
    `${WARMUP} s warm-up then ${SECONDS} s measured, ${ROUNDS} round(s) per engine (order before/after, then after/before), ` +
    `each engine start with a fresh Postgres database and NATS. Load average at start ${loadAtStart.map((l) => l.toFixed(1)).join(' ')}, at end ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}.`,
);
console.log(
  `before = ${before.commit} (tools in-process, nunjucks); after = ${after.commit} (workers over NATS, Jinja2 helpers, API token). ` +
    `Node ${process.version}, ${cpus().length} CPUs, Postgres ${postgres.runtime}, python steps on ${values.python}.\n`,
);
console.log(
  '| playbook | engine | executions/s | p50 ms | p99 ms | completed | errors | CPU ms/execution: engine | workers | python processes | postgres | nats | total |',
);
console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  const c = r.cpuMs;
  const total = c.engine + c.workers + c.python + c.postgres + c.nats;
  console.log(
    `| ${r.playbook} | ${r.variant} | ${f(r.perSecond)} | ${f(r.p50, 0)} | ${f(r.p99, 0)} | ${r.completed} | ${r.errors} | ${f(c.engine)} | ${f(c.workers)} | ${f(c.python)} | ${f(c.postgres)} | ${f(c.nats)} | ${f(total)} |`,
  );
}
console.log(
  '\n| playbook | executions/s after ÷ before | p50 after ÷ before | CPU ms/execution after ÷ before | target |',
);
console.log('|---|---:|---:|---:|---|');
for (const p of PLAYBOOKS) {
  const b = rows.find((r) => r.playbook === p.name && r.variant === 'before')!;
  const a = rows.find((r) => r.playbook === p.name && r.variant === 'after')!;
  const ratio = a.perSecond / b.perSecond;
  const target =
    p === templatePlaybook
      ? `≥ 0.80 (lose at most 20 %): ${ratio >= 0.8 ? 'met' : 'NOT met'}`
      : `> 1 (gain from the worker pool): ${ratio > 1 ? 'met' : 'NOT met'}`;
  const cpu = (r: Row) => r.cpuMs.engine + r.cpuMs.workers + r.cpuMs.python + r.cpuMs.postgres + r.cpuMs.nats;
  console.log(
    `| ${p.name} | ${f(ratio, 2)} | ${f(a.p50 / b.p50, 2)} | ${f(cpu(a) / cpu(b), 2)} | ${target} |`,
  );
}
console.log('\nPer round (executions/s):');
for (const s of samples) console.log(`- ${s.variant} ${s.playbook}: ${f(s.loop.perSecond)}`);
if (profileDir) console.log(`\nCPU profiles of the engine processes: ${profileDir}`);
