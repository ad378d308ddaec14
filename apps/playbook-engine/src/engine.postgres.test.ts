import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { createEngineClient, executionEventsOf } from '@switchyard/engine-client';
import {
  EXECUTION_STREAM,
  executionSubject,
  subscribeExecutionEvents,
  type ExecutionEvent,
} from '@switchyard/execution-events';
import {
  childProcesses,
  processAlive,
  startChildApp,
  startNats,
  startPostgres,
  waitFor,
  type TestNats,
  type TestPostgres,
} from '@switchyard/testing';
import {
  collectEvents,
  natsClient,
  startEngine,
  startHttpServer,
  yaml,
  type RunningEngine,
} from './test-fixtures/harness.js';
import { createPlaygroundDatabase } from './test-fixtures/playground-database.js';

let nats: TestNats;
let postgres: TestPostgres;
let nc: NatsConnection;
let eng: RunningEngine;
/** A database beside the engine's, for steps: steps never run on the engine's own database. */
let playgroundUrl: string;

function playgroundCredential() {
  const url = new URL(playgroundUrl);
  return {
    host: url.hostname,
    port: Number(url.port),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database: url.pathname.slice(1),
  };
}

beforeAll(async () => {
  [nats, postgres] = await Promise.all([startNats(), startPostgres()]);
  nc = await natsClient(nats.url);
  playgroundUrl = await createPlaygroundDatabase(postgres.url, 'playground');
  eng = await startEngine({
    natsUrl: nats.url,
    env: { DATABASE_URL: postgres.url, CREDENTIALS_KEY: 'pg-test-key-0123456789', REGISTER_EXAMPLES: 'true' },
  });
});

afterAll(async () => {
  await eng?.stop();
  await nc?.close();
  await postgres?.stop();
  await nats?.stop();
});

/** How many messages the stream holds for one execution (duplicates would show here). */
async function storedCount(executionId: string): Promise<number> {
  const jsm = await jetstreamManager(nc);
  const subject = executionSubject(executionId);
  const info = await jsm.streams.info(EXECUTION_STREAM, { subjects_filter: subject });
  return info.state.subjects?.[subject] ?? 0;
}

describe('engine on a real Postgres', () => {
  it('runs every example playbook registered at start', async () => {
    const health = await eng.client.health();
    expect(health.storage).toBe('postgres');
    const paths = (await eng.client.listCatalog()).entries
      .map((e) => e.path)
      .filter((p) => p.startsWith('examples/'));
    expect(paths.sort()).toEqual([
      'examples/compose_child',
      'examples/deploy',
      'examples/deploy_config',
      'examples/deploy_tuning',
      'examples/hello_world',
      'examples/http_case',
      'examples/long_wait',
      'examples/long_wait_child',
      'examples/loop',
      'examples/postgres_step',
    ]);
    await eng.client.putCredential({ name: 'examples_pg', type: 'postgres', data: playgroundCredential() });
    const results: Record<string, unknown> = {};
    for (const path of paths) {
      const args = path === 'examples/http_case' ? { url: `${eng.url}/api/health` } : {};
      const started = await eng.client.runPlaybook({ path, args });
      const events = await collectEvents(nc, started.execution_id);
      expect(events.at(-1)!.type).toBe('playbook.completed');
      expect(executionEventsOf(await eng.client.getExecution(started.execution_id))).toEqual(events);
      results[path] = events.at(-1)!.result;
    }
    expect(results).toMatchObject({
      'examples/hello_world': { message: 'Hello, world!' },
      'examples/http_case': { outcome: 'success', status_code: 200 },
      'examples/loop': { squares: [1, 4, 9, 16, 25], sum: 55 },
      'examples/compose_child': { child_said: 'Hello, Switchyard!' },
    });
    expect(results['examples/postgres_step']).toEqual({ rows: 5 });
  });

  it('postgres tool with a named credential runs against that database, never the engine database', async () => {
    await eng.client.putCredential({ name: 'main_pg', type: 'postgres', data: playgroundCredential() });
    const engineUrl = new URL(postgres.url);
    await eng.client.putCredential({
      name: 'engine_pg',
      type: 'postgres',
      data: {
        host: 'localhost',
        port: Number(engineUrl.port),
        user: decodeURIComponent(engineUrl.username),
        password: decodeURIComponent(engineUrl.password),
        database: engineUrl.pathname.slice(1),
      },
    });
    await eng.client.registerPlaybook(yaml`
      apiVersion: noetl.io/v2
      kind: Playbook
      metadata: { name: cred, path: t/pg_credential }
      workload: { who: ada }
      workflow:
        - step: start
          tool:
            kind: postgres
            auth: main_pg
            command: "CREATE TABLE IF NOT EXISTS people (name text); INSERT INTO people VALUES ('{{ workload.who }}'); SELECT count(*)::int AS n FROM people"
    `);
    const started = await eng.client.runPlaybook({ path: 't/pg_credential' });
    const events = await collectEvents(nc, started.execution_id);
    expect(events.at(-1)!.result).toMatchObject({ command_2: { rows: [{ n: 1 }], columns: ['n'] } });
    const client = new pg.Client({ connectionString: playgroundUrl });
    await client.connect();
    try {
      expect((await client.query('SELECT name FROM people')).rows).toEqual([{ name: 'ada' }]);
    } finally {
      await client.end();
    }

    // A credential that names the engine's own database is refused when a step asks for it.
    await eng.client.registerPlaybook(yaml`
      apiVersion: noetl.io/v2
      kind: Playbook
      metadata: { name: steal, path: t/pg_steal }
      workflow:
        - step: start
          tool: { kind: postgres, auth: engine_pg, query: "SELECT * FROM credentials" }
    `);
    const steal = await eng.client.runPlaybook({ path: 't/pg_steal' });
    const stolen = await collectEvents(nc, steal.execution_id);
    expect(stolen.at(-1)!.type).toBe('playbook.failed');
    expect(stolen.at(-1)!.error).toMatch(/engine's own database/);
    expect(JSON.stringify(stolen)).not.toMatch(/"rows"/);
  });

  it('two engines on one database: a cancel through one stops the run in the other', async () => {
    let closed!: () => void;
    const socketClosed = new Promise<void>((r) => (closed = r));
    let arrived!: () => void;
    const reached = new Promise<void>((r) => (arrived = r));
    const server = await startHttpServer((req) => {
      req.socket.on('close', () => closed());
      arrived();
    });
    const env = { DATABASE_URL: postgres.url, EXECUTION_LEASE_MS: '600' };
    const a = await startEngine({ natsUrl: nats.url, env });
    const b = await startEngine({ natsUrl: nats.url, env });
    try {
      await a.client.registerPlaybook(yaml`
        apiVersion: noetl.io/v2
        kind: Playbook
        metadata: { name: remote, path: t/remote_cancel }
        workflow:
          - step: start
            tool: { kind: http, url: "${server.url}/wait" }
            next: never
          - step: never
            tool: { kind: noop }
      `);
      const started = await a.client.runPlaybook({ path: 't/remote_cancel' });
      const events = collectEvents(nc, started.execution_id);
      await reached;
      const answer = await b.client.cancelExecution(started.execution_id, { reason: 'from b' });
      expect(answer.cancelled_executions).toEqual([started.execution_id]);
      await socketClosed; // engine a noticed at its lease renewal and aborted the call
      await a.engine.engine.settle(started.execution_id);
      const got = await events;
      expect(got.at(-1)).toMatchObject({ type: 'execution.cancelled', error: 'from b' });
      expect(executionEventsOf(await a.client.getExecution(started.execution_id))).toEqual(got);
    } finally {
      await b.stop();
      await a.stop();
      await server.close();
    }
  });

  it('WORK_QUEUE: engines share the executions queue, each taking only what it has room for', async () => {
    const seen: string[] = [];
    const server = await startHttpServer((req) => {
      seen.push(req.url!);
    });
    const env = { DATABASE_URL: postgres.url, WORK_QUEUE: 'true', MAX_ACTIVE_EXECUTIONS: '1' };
    const a = await startEngine({ natsUrl: nats.url, env });
    const b = await startEngine({ natsUrl: nats.url, env });
    try {
      await a.client.registerPlaybook(yaml`
        apiVersion: noetl.io/v2
        kind: Playbook
        metadata: { name: queued, path: t/queued }
        workflow:
          - step: start
            tool: { kind: http, url: "${server.url}/{{ workload.tag }}" }
      `);
      const first = await a.client.runPlaybook({ path: 't/queued', args: { tag: 'one' } });
      const second = await a.client.runPlaybook({ path: 't/queued', args: { tag: 'two' } });
      // Each engine has one slot, so both executions run at once only if both engines took one.
      await waitFor('both executions to call out', async () => seen.length === 2);
      const client = new pg.Client({ connectionString: postgres.url });
      await client.connect();
      try {
        const owners = await client.query(
          'SELECT owner FROM executions WHERE execution_id = ANY($1::text[])',
          [[first.execution_id, second.execution_id]],
        );
        expect(new Set(owners.rows.map((r: { owner: string }) => r.owner))).toEqual(
          new Set([a.engine.engine.instanceId, b.engine.engine.instanceId]),
        );
      } finally {
        await client.end();
      }
      for (const id of [first.execution_id, second.execution_id]) {
        const events = collectEvents(nc, id);
        await b.client.cancelExecution(id, { reason: 'done' });
        expect((await events).at(-1)!.type).toBe('execution.cancelled');
      }
    } finally {
      await b.stop();
      await a.stop();
      await server.close();
    }
  });

  it('NATS stopped and restarted mid-execution: every event is delivered once, in order', async () => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let arrived!: () => void;
    const reached = new Promise<void>((r) => (arrived = r));
    const server = await startHttpServer(async (_req, res) => {
      arrived();
      await released;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
    try {
      await eng.client.registerPlaybook(yaml`
        apiVersion: noetl.io/v2
        kind: Playbook
        metadata: { name: outage, path: t/outage }
        workflow:
          - step: start
            tool: { kind: http, url: "${server.url}/gate" }
            next: after
          - step: after
            loop: { in: [1, 2, 3, 4], iterator: i }
            tool: { kind: noop, result: "{{ i * 10 }}" }
            next: end
          - step: end
            tool: { kind: noop, result: { done: true } }
      `);
      const started = await eng.client.runPlaybook({ path: 't/outage' });
      const received: ExecutionEvent[] = [];
      const subscription = (async () => {
        for await (const e of subscribeExecutionEvents(nc, started.execution_id, {
          expiresMs: 2_000,
          signal: AbortSignal.timeout(60_000),
        })) {
          received.push(e);
        }
      })();
      await reached;
      await waitFor('events before the outage to arrive', async () => received.length >= 3);
      await nats.pause();
      // The worker's answer goes out while NATS is down; a control-plane-only execution runs meanwhile, and its
      // events wait in the outbox.
      release();
      await eng.client.registerPlaybook(yaml`
        apiVersion: noetl.io/v2
        kind: Playbook
        metadata: { name: local, path: t/outage_local }
        workflow:
          - step: start
            loop: { in: [1, 2, 3], iterator: i }
            tool: { kind: noop, result: "{{ i }}" }
      `);
      const local = await eng.client.runPlaybook({ path: 't/outage_local' });
      await eng.engine.engine.settle(local.execution_id);
      expect((await eng.client.getExecutionStatus(local.execution_id)).status).toBe('COMPLETED');
      expect((await eng.client.health()).unpublished_events).toBeGreaterThan(0);
      await nats.resume();
      await eng.engine.engine.settle(started.execution_id);
      expect((await eng.client.getExecutionStatus(started.execution_id)).status).toBe('COMPLETED');
      await subscription;
      const stored = executionEventsOf(await eng.client.getExecution(started.execution_id));
      expect(received).toEqual(stored);
      expect(received.map((e) => e.seq)).toEqual(stored.map((_, i) => i + 1));
      expect(await storedCount(started.execution_id)).toBe(stored.length);
      const localEvents = await collectEvents(nc, local.execution_id);
      expect(localEvents).toEqual(executionEventsOf(await eng.client.getExecution(local.execution_id)));
      await waitFor('the outbox to drain', async () => (await eng.client.health()).unpublished_events === 0);
    } finally {
      release();
      await server.close();
    }
  }, 90_000);

  it('engine process killed mid-execution: a restarted engine fails it with a reason, and nothing is lost', async () => {
    let arrived!: () => void;
    const reached = new Promise<void>((r) => (arrived = r));
    const server = await startHttpServer(() => arrived());
    const env = {
      DATABASE_URL: postgres.url,
      NATS_URL: nats.url,
      EXECUTION_LEASE_MS: '1000',
      REGISTER_EXAMPLES: 'false',
      HTTP_TOOL_ALLOW: '127.0.0.1',
    };
    let first = await startChildApp({ app: 'playbook-engine', env });
    let second: typeof first | undefined;
    try {
      const client = createEngineClient({ baseUrl: first.url });
      await client.registerPlaybook(yaml`
        apiVersion: noetl.io/v2
        kind: Playbook
        metadata: { name: crash, path: t/crash }
        workflow:
          - step: start
            next: wait
          - step: wait
            tool: { kind: http, url: "${server.url}/forever" }
      `);
      const started = await client.runPlaybook({ path: 't/crash' });
      await client.close();
      const events = collectEvents(nc, started.execution_id, 60_000);
      await reached;
      // The engine's local workers are its children; killing the engine must not leave them running.
      const localWorkers = childProcesses(first.process.child.pid!)
        .filter((c) => c.command !== 'esbuild')
        .map((c) => c.pid);
      expect(localWorkers.length).toBeGreaterThan(0);
      expect(await first.stop('SIGKILL')).toBeNull();
      await waitFor(
        "the killed engine's workers to exit",
        async () => {
          const alive = localWorkers.filter(processAlive);
          if (alive.length === 0) return true;
          throw new Error(
            `still running: ${alive.map((p) => readFileSync(`/proc/${p}/cmdline`, 'utf8').replaceAll('\0', ' ').slice(0, 140)).join('; ')}`,
          );
        },
        { timeoutMs: 30_000 },
      );
      second = await startChildApp({ app: 'playbook-engine', env });
      const got = await events;
      expect(got.at(-1)).toMatchObject({ type: 'playbook.failed', status: 'FAILED' });
      expect(got.at(-1)!.error).toMatch(/stopped before it finished/);
      const after = createEngineClient({ baseUrl: second.url });
      const detail = await after.getExecution(started.execution_id);
      await after.close();
      expect(detail.status).toBe('FAILED');
      expect(executionEventsOf(detail)).toEqual(got);
      expect(await storedCount(started.execution_id)).toBe(got.length);
      // SIGTERM drains and exits 0.
      expect(await second.stop('SIGTERM')).toBe(0);
      second = undefined;
    } finally {
      await second?.stop();
      await first.stop('SIGKILL').catch(() => undefined);
      first = undefined as never;
      await server.close();
    }
  }, 120_000);
});
