/**
 * Playbook engine benchmark: executions per second for a 3-step playbook, and the delay from event write
 * (the event's timestamp, taken inside the append transaction) to delivery on NATS, p50/p99.
 * Runs the engine as a child process twice in one run, once on PGlite and once on a real Postgres,
 * against one real NATS, and reports both side by side.
 *
 *   npx tsx --conditions=@switchyard/source bench/engine/run.ts [--executions 400] [--concurrency 16] [--light 100]
 */
import { parseArgs } from 'node:util';
import { createEngineClient } from '@switchyard/engine-client';
import {
  connectNats,
  decodeExecutionEvent,
  executionSubjectsWildcard,
  isTerminalEvent,
  type NatsConnection,
} from '@switchyard/execution-events';
import { startChildApp, startNats, startPostgres } from '@switchyard/testing';

const { values } = parseArgs({
  options: {
    executions: { type: 'string', default: '400' },
    concurrency: { type: 'string', default: '16' },
    light: { type: 'string', default: '100' },
  },
});
const EXECUTIONS = Math.min(5_000, Number(values.executions));
const CONCURRENCY = Math.min(256, Number(values.concurrency));
const LIGHT = Math.min(1_000, Number(values.light));

const PLAYBOOK = `apiVersion: noetl.io/v2
kind: Playbook
metadata:
  name: bench_three_steps
  path: bench/three_steps
workload:
  n: 1
workflow:
  - step: start
    next: work
  - step: work
    tool:
      kind: noop
      result:
        doubled: "{{ workload.n * 2 }}"
    next: end
  - step: end
`;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

interface Phase {
  executions: number;
  seconds: number;
  perSecond: number;
  events: number;
  delayP50: number;
  delayP99: number;
}

interface Result {
  storage: string;
  load: Phase;
  light: Phase;
}

/** Runs `count` executions with `concurrency` clients; collects every event of them from NATS. */
async function phase(
  client: ReturnType<typeof createEngineClient>,
  nc: NatsConnection,
  count: number,
  concurrency: number,
): Promise<Phase> {
  const mine = new Set<string>();
  const early = new Map<string, number[]>();
  const delays: number[] = [];
  const waiters = new Map<string, () => void>();
  let finished = 0;
  let eventCount = 0;
  let allDone!: () => void;
  const done = new Promise<void>((resolve) => (allDone = resolve));
  const sub = nc.subscribe(executionSubjectsWildcard(), {
    callback: (_err, msg) => {
      const received = Date.now();
      const event = decodeExecutionEvent(msg.data);
      eventCount++;
      delays.push(received - Date.parse(event.timestamp));
      if (!isTerminalEvent(event)) return;
      if (!mine.has(event.executionId)) {
        early.set(event.executionId, [received]);
        return;
      }
      waiters.get(event.executionId)?.();
      if (++finished === count) allDone();
    },
  });
  await nc.flush();
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next++;
        const run = await client.runPlaybook({ path: 'bench/three_steps', args: { n: next } });
        mine.add(run.execution_id);
        if (early.has(run.execution_id) && ++finished === count) allDone();
        else if (concurrency === 1 && !early.has(run.execution_id)) {
          await new Promise<void>((resolve) => waiters.set(run.execution_id, resolve));
        }
      }
    }),
  );
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    done,
    new Promise(
      (_, reject) =>
        (timer = setTimeout(() => reject(new Error('timed out waiting for executions')), 300_000)),
    ),
  ]);
  clearTimeout(timer);
  const seconds = (performance.now() - started) / 1000;
  sub.unsubscribe();
  delays.sort((a, b) => a - b);
  return {
    executions: count,
    seconds,
    perSecond: count / seconds,
    events: eventCount,
    delayP50: percentile(delays, 50),
    delayP99: percentile(delays, 99),
  };
}

async function measure(storage: string, natsUrl: string, env: Record<string, string>): Promise<Result> {
  const app = await startChildApp({
    app: 'playbook-engine',
    env: { NATS_URL: natsUrl, REGISTER_EXAMPLES: 'false', LOG_LEVEL: 'warn', ...env },
    timeoutMs: 90_000,
  });
  const client = createEngineClient({ baseUrl: app.url, connections: CONCURRENCY });
  const nc = await connectNats(natsUrl);
  try {
    await client.registerPlaybook(PLAYBOOK);
    await phase(client, nc, 20, 4); // warm-up, not reported
    const load = await phase(client, nc, EXECUTIONS, CONCURRENCY);
    const light = await phase(client, nc, LIGHT, 1);
    return { storage, load, light };
  } finally {
    await nc.close();
    await client.close();
    await app.stop();
  }
}

const nats = await startNats();
const postgres = await startPostgres();
try {
  const results = [
    await measure('PGlite (in-process, :memory:)', nats.url, { ENGINE_DATA_DIR: ':memory:' }),
    await measure('Postgres 15 (pg pool)', nats.url, { DATABASE_URL: postgres.url }),
  ];
  console.log(
    `\nOne run. Load: ${EXECUTIONS} executions of a 3-step playbook from ${CONCURRENCY} concurrent clients.`,
  );
  console.log(`Light: ${LIGHT} executions one after another (each awaited on NATS before the next).`);
  console.log(
    'Delay = NATS delivery time minus the event timestamp (taken when the engine writes the event).\n',
  );
  console.log(
    '| storage | load: executions/s | load: events | load: delay p50 ms | load: p99 ms | light: executions/s | light: delay p50 ms | light: p99 ms |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    console.log(
      `| ${r.storage} | ${r.load.perSecond.toFixed(1)} | ${r.load.events} | ${r.load.delayP50} | ${r.load.delayP99} | ${r.light.perSecond.toFixed(1)} | ${r.light.delayP50} | ${r.light.delayP99} |`,
    );
  }
  const [a, b] = results as [Result, Result];
  console.log(
    `\nPostgres : PGlite ratios: executions/s under load ${(b.load.perSecond / a.load.perSecond).toFixed(2)}, light-load p99 delay ${(b.light.delayP99 / Math.max(1, a.light.delayP99)).toFixed(2)}`,
  );
} finally {
  await postgres.stop();
  await nats.stop();
}
