import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChildApp, startNats, waitFor, type ChildApp, type TestNats } from '@switchyard/testing';
import { startEngine, startHttpServer, yaml, type RunningEngine } from './test-fixtures/harness.js';

/**
 * Workers as their own processes (ENGINE_LOCAL_WORKERS=0): a step command runs exactly once; a worker killed
 * mid-step makes the step fail, or retry by its policy, and the execution always reaches a terminal status.
 */

let nats: TestNats;
let eng: RunningEngine;
const workers: ChildApp[] = [];

async function startWorker(): Promise<ChildApp> {
  const worker = await startChildApp({
    app: 'playbook-worker',
    env: {
      NATS_URL: nats.url,
      HTTP_TOOL_ALLOW: '127.0.0.1',
      WORKER_HEARTBEAT_MS: '200',
      WORKER_CONCURRENCY: '4',
    },
  });
  workers.push(worker);
  return worker;
}

beforeAll(async () => {
  nats = await startNats();
  eng = await startEngine({
    natsUrl: nats.url,
    env: { ENGINE_LOCAL_WORKERS: '0', WORKER_HEARTBEAT_TIMEOUT_MS: '5000' },
  });
}, 120_000);

afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop('SIGKILL').catch(() => undefined)));
  await eng?.stop();
  await nats?.stop();
});

describe('workers', () => {
  it('two workers: every step command runs exactly once', async () => {
    const first = await startWorker();
    const second = await startWorker();
    const hits = new Map<string, number>();
    const server = await startHttpServer((req, res) => {
      hits.set(req.url!, (hits.get(req.url!) ?? 0) + 1);
      setTimeout(() => res.end('ok'), 20);
    });
    try {
      await eng.client.registerPlaybook(yaml`
        apiVersion: noetl.io/v2
        kind: Playbook
        metadata: { name: fanout, path: t/fanout }
        workflow:
          - step: start
            loop: { in: "{{ range(40) | list }}", iterator: n, mode: parallel }
            tool: { kind: http, url: "${server.url}/item/{{ n }}" }
      `);
      const runs = await Promise.all([1, 2, 3].map(() => eng.client.runPlaybook({ path: 't/fanout' })));
      for (const run of runs) {
        await eng.engine.engine.settle(run.execution_id);
        expect((await eng.client.getExecutionStatus(run.execution_id)).status).toBe('COMPLETED');
      }
      expect(hits.size).toBe(40);
      for (const [, count] of hits) expect(count).toBe(3);
      const metrics = await Promise.all(
        [first, second].map(async (w) => {
          const text = await (await fetch(`${w.url}/metrics`)).text();
          return [...text.matchAll(/worker_steps_total\{[^}]*outcome="ok"[^}]*\} (\d+)/g)].reduce(
            (sum, m) => sum + Number(m[1]),
            0,
          );
        }),
      );
      expect(metrics[0]! + metrics[1]!).toBe(120);
    } finally {
      await server.close();
      await Promise.all([first.stop(), second.stop()]);
    }
  }, 120_000);

  it('a worker killed mid-step: the step fails, or is retried on another worker by its policy', async () => {
    const requests: string[] = [];
    let reached!: () => void;
    let arrivals = new Promise<void>((r) => (reached = r));
    const server = await startHttpServer((req, res) => {
      requests.push(req.url!);
      reached();
      // The first attempt of each run hangs; the retry is answered.
      if (req.url!.endsWith('/retried') && requests.filter((u) => u === req.url).length > 1) res.end('done');
    });
    try {
      await eng.client.registerPlaybook(yaml`
        apiVersion: noetl.io/v2
        kind: Playbook
        metadata: { name: once, path: t/killed_once }
        workflow:
          - step: start
            tool: { kind: http, url: "${server.url}/once" }
      `);
      await eng.client.registerPlaybook(yaml`
        apiVersion: noetl.io/v2
        kind: Playbook
        metadata: { name: retried, path: t/killed_retried }
        workflow:
          - step: start
            retry: { attempts: 2 }
            tool: { kind: http, url: "${server.url}/retried" }
      `);

      let victim = await startWorker();
      const once = await eng.client.runPlaybook({ path: 't/killed_once' });
      await arrivals;
      expect(await victim.stop('SIGKILL')).toBeNull();
      await eng.engine.engine.settle(once.execution_id);
      const failed = await eng.client.getExecution(once.execution_id);
      expect(failed.status).toBe('FAILED');
      expect(failed.error).toMatch(/stopped answering/);
      expect(requests.filter((u) => u === '/once')).toHaveLength(1);

      arrivals = new Promise<void>((r) => (reached = r));
      victim = await startWorker();
      const retried = await eng.client.runPlaybook({ path: 't/killed_retried' });
      await arrivals;
      const rescuer = await startWorker();
      expect(await victim.stop('SIGKILL')).toBeNull();
      await eng.engine.engine.settle(retried.execution_id);
      const done = await eng.client.getExecution(retried.execution_id);
      expect(done.status).toBe('COMPLETED');
      expect(requests.filter((u) => u === '/retried')).toHaveLength(2);
      await rescuer.stop();
    } finally {
      await server.close();
    }
  }, 120_000);

  it('a step waits for a worker, and fails at its timeout when none comes', async () => {
    await eng.client.registerPlaybook(yaml`
      apiVersion: noetl.io/v2
      kind: Playbook
      metadata: { name: lonely, path: t/no_worker }
      workflow:
        - step: start
          timeout: 2
          tool: { kind: python, code: "result = 1" }
    `);
    const run = await eng.client.runPlaybook({ path: 't/no_worker' });
    await waitFor('the execution to end', async () => {
      const s = await eng.client.getExecutionStatus(run.execution_id);
      return s.completed;
    });
    const detail = await eng.client.getExecution(run.execution_id);
    expect(detail.status).toBe('FAILED');
    expect(detail.error).toMatch(/timed out/);
  }, 60_000);
});
