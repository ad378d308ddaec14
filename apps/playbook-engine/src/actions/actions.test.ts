import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetstream, DeliverPolicy } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  ACTION_STATUS_STREAM,
  actionStatusMessageSchema,
  actionStatusSubject,
  type Action,
  type ActionPhase,
} from '@switchyard/engine-client';
import { parseEnv } from '@switchyard/service-kit';
import { startNats, waitFor, type TestNats } from '@switchyard/testing';
import { engineEnv } from '../config.js';
import { createEngineService, type EngineService } from '../server.js';
import { openPglite, type Database } from '../storage/database.js';
import { natsClient, startHttpServer, yaml } from '../test-fixtures/harness.js';

let nats: TestNats;
let database: Database;
let engine: EngineService;
let base: string;
let nc: NatsConnection;
let hold: { url: string; close(): Promise<void> };
const held: Array<() => void> = [];

async function call<T = Action>(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

async function phaseOf(name: string): Promise<Action> {
  return (await call('GET', `/api/actions/${name}`)).body;
}

async function waitPhase(name: string, phase: ActionPhase): Promise<Action> {
  let last: Action | undefined;
  await waitFor(
    `Action ${name} to reach ${phase}`,
    async () => {
      last = await phaseOf(name);
      return last.status.phase === phase;
    },
    { timeoutMs: 20_000 },
  );
  return last!;
}

async function phasesOnNats(name: string, count: number): Promise<ActionPhase[]> {
  const js = jetstream(nc);
  const consumer = await js.consumers.get(ACTION_STATUS_STREAM, {
    filter_subjects: actionStatusSubject(name),
    deliver_policy: DeliverPolicy.All,
  });
  const phases: ActionPhase[] = [];
  const messages = await consumer.consume({ expires: 2_000 });
  const timer = setTimeout(() => void messages.close(), 15_000);
  for await (const m of messages) {
    phases.push(actionStatusMessageSchema.parse(m.json()).action.status.phase);
    if (phases.length >= count) break;
  }
  clearTimeout(timer);
  await messages.close();
  return phases;
}

beforeAll(async () => {
  nats = await startNats();
  nc = await natsClient(nats.url);
  database = await openPglite(':memory:');
  hold = await startHttpServer((_req, res) => {
    held.push(() => res.end('{}'));
  });
  const config = parseEnv(engineEnv, {
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    NATS_URL: nats.url,
    ENGINE_DATA_DIR: ':memory:',
    REGISTER_EXAMPLES: 'false',
    SHUTDOWN_TIMEOUT_MS: '2000',
    ACTIONS_MAX_DEPTH: '3',
  });
  engine = await createEngineService(config, { database, workerEnv: { HTTP_TOOL_ALLOW: '127.0.0.1' } });
  base = (await engine.listen()).url;
  // A chain actions/deep0 -> deep1 -> ... -> deep4: four levels of nesting below the root.
  const chain = Array.from(
    { length: 5 },
    (_, i) => yaml`
      apiVersion: noetl.io/v2
      kind: Playbook
      metadata: { name: deep${i}, path: actions/deep${i} }
      workflow:
        - step: start
          tool: ${i < 4 ? `{ kind: playbook, path: actions/deep${i + 1} }` : '{ kind: noop, result: bottom }'}
    `,
  );
  for (const content of [
    ...chain,
    yaml`
      apiVersion: noetl.io/v2
      kind: Playbook
      metadata: { name: hello, path: actions/hello }
      workload: { greeting: hi }
      workflow:
        - step: start
          next: say
        - step: say
          tool: { kind: noop, result: '{{ workload.greeting }} there' }
          next: end
        - step: end
    `,
    yaml`
      apiVersion: noetl.io/v2
      kind: Playbook
      metadata: { name: counted, path: actions/counted }
      workload: { count: 1 }
      workflow:
        - step: start
          next: end
        - step: end
    `,
    yaml`
      apiVersion: noetl.io/v2
      kind: Playbook
      metadata: { name: bad_parent, path: actions/bad_parent }
      workflow:
        - step: start
          next: child
        - step: child
          tool: { kind: playbook, path: actions/counted, args: { count: many } }
          next: end
        - step: end
    `,
    yaml`
      apiVersion: noetl.io/v2
      kind: Playbook
      metadata: { name: slow_child, path: actions/slow_child }
      workflow:
        - step: start
          next: wait
        - step: wait
          tool: { kind: http, url: '${hold.url}/hold' }
          next: end
        - step: end
    `,
    yaml`
      apiVersion: noetl.io/v2
      kind: Playbook
      metadata: { name: slow, path: actions/slow }
      workflow:
        - step: start
          next: child
        - step: child
          tool: { kind: playbook, path: actions/slow_child }
          next: end
        - step: end
    `,
  ])
    await engine.engine.register(content);
  await engine.engine.register(yaml`
    apiVersion: noetl.io/v2
    kind: Playbook
    metadata: { name: cyc_a, path: actions/cyc_a }
    workflow:
      - step: start
        tool: { kind: playbook, path: actions/cyc_b }
  `);
  await engine.engine.register(yaml`
    apiVersion: noetl.io/v2
    kind: Playbook
    metadata: { name: cyc_b, path: actions/cyc_b }
    workflow:
      - step: start
        tool: { kind: playbook, path: actions/cyc_a }
  `);
  for (const n of [1, 2])
    await engine.engine.register(yaml`
      apiVersion: noetl.io/v2
      kind: Playbook
      metadata:
        name: part${n}
        path: actions/part${n}
        input:
          typeInstances:
            - { name: config${n}, typeRef: { path: cap.type.config, revision: '1' }, optional: true }
      workflow:
        - step: start
    `);
  await engine.engine.register(yaml`
    apiVersion: noetl.io/v2
    kind: Playbook
    metadata:
      name: advanced
      path: actions/advanced
      input:
        parameters: { type: object, required: [region], properties: { region: { type: string } } }
    workflow:
      - step: start
        next: one
      - step: one
        tool: { kind: playbook, path: actions/part1 }
        next: two
      - step: two
        tool: { kind: playbook, path: actions/part2 }
  `);
}, 120_000);

afterAll(async () => {
  for (const release of held) release();
  await nc?.close();
  await engine?.shutdown();
  await database?.close();
  await hold?.close();
  await nats?.stop();
});

describe('Actions', () => {
  it('renders, runs once and follows the execution to SUCCEEDED, publishing every phase on NATS', async () => {
    const created = await call('POST', '/api/actions', {
      name: 'basic',
      actionRef: { path: 'actions/hello' },
      input: { parameters: { greeting: 'hello' } },
      user: { username: 'ada' },
    });
    expect(created.status).toBe(201);
    expect(created.body.status.phase).toBe('INITIAL');
    expect(created.body.status.createdBy).toEqual({ username: 'ada' });
    const ready = await waitPhase('basic', 'READY_TO_RUN');
    expect(ready.renderedAction).toMatchObject({ path: 'actions/hello', revision: '1', children: [] });

    const run = await call('POST', '/api/actions/basic/run', { user: { username: 'bob' } });
    expect(run.status).toBe(200);
    expect(run.body.status.phase).toBe('RUNNING');
    expect(run.body.run).toBe(true);
    const executionId = run.body.status.runner!.status.executionId;
    const done = await waitPhase('basic', 'SUCCEEDED');
    expect(done.status.runner).toEqual({ status: { executionId, executionStatus: 'COMPLETED' } });
    expect(done.status.runBy).toEqual({ username: 'bob' });

    const again = await call<{ error: { code: string; message: string; details: unknown } }>(
      'POST',
      '/api/actions/basic/run',
      {},
    );
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('INVALID_ACTION_STATE');
    expect(again.body.error.details).toEqual({ phase: 'SUCCEEDED' });

    expect(await phasesOnNats('basic', 5)).toEqual([
      'INITIAL',
      'BEING_RENDERED',
      'READY_TO_RUN',
      'RUNNING',
      'SUCCEEDED',
    ]);
  });

  it('fails rendering with a message naming the nested playbook and the problem', async () => {
    await call('POST', '/api/actions', { name: 'nested-bad', actionRef: { path: 'actions/bad_parent' } });
    const failed = await waitPhase('nested-bad', 'FAILED');
    expect(failed.status.message).toContain(
      'nested playbook actions/counted (step child of actions/bad_parent)',
    );
    expect(failed.status.message).toContain('/count must be number');

    await call('POST', '/api/actions', { name: 'cycle', actionRef: { path: 'actions/cyc_a' } });
    const cycle = await waitPhase('cycle', 'FAILED');
    expect(cycle.status.message).toContain('cycle detected: actions/cyc_a -> actions/cyc_b -> actions/cyc_a');

    await call('POST', '/api/actions', {
      name: 'bad-params',
      actionRef: { path: 'actions/hello' },
      input: { parameters: { greeting: 3 } },
    });
    expect((await waitPhase('bad-params', 'FAILED')).status.message).toBe(
      'playbook actions/hello: invalid parameters: /greeting must be string, got integer',
    );

    // ACTIONS_MAX_DEPTH=3 for this engine: a fourth level of nesting fails rendering; three render.
    await call('POST', '/api/actions', { name: 'too-deep', actionRef: { path: 'actions/deep0' } });
    expect((await waitPhase('too-deep', 'FAILED')).status.message).toContain('nesting deeper than 3 levels');
    await call('POST', '/api/actions', { name: 'deep-enough', actionRef: { path: 'actions/deep1' } });
    await waitPhase('deep-enough', 'READY_TO_RUN');
  });

  it('walks advanced rendering through one iteration per nested playbook with optional TypeInstances', async () => {
    const config = await call<{ id: string }>('POST', '/api/typeinstances', {
      typeRef: { path: 'cap.type.config', revision: '1' },
      value: { size: 'small' },
    });
    expect(config.status).toBe(201);
    await call('POST', '/api/actions', {
      name: 'adv',
      actionRef: { path: 'actions/advanced' },
      input: { parameters: { region: 'eu' } },
      advancedRendering: true,
      dryRun: true,
    });
    const first = await waitPhase('adv', 'ADVANCED_MODE_RENDERING_ITERATION');
    expect(first.renderingAdvancedMode.typeInstancesForRenderingIteration).toEqual([
      {
        name: 'config1',
        typeRef: { path: 'cap.type.config', revision: '1' },
        optional: true,
        playbookPath: 'actions/part1',
      },
    ]);
    const wrong = await call<{ error: { code: string } }>('POST', '/api/actions/adv/continue-rendering', {
      typeInstances: [{ name: 'config2', id: config.body.id }],
    });
    expect(wrong.status).toBe(400);
    const second = await call('POST', '/api/actions/adv/continue-rendering', {
      typeInstances: [{ name: 'config1', id: config.body.id }],
    });
    expect(second.body.status.phase).toBe('ADVANCED_MODE_RENDERING_ITERATION');
    expect(second.body.renderingAdvancedMode.typeInstancesForRenderingIteration[0]?.playbookPath).toBe(
      'actions/part2',
    );
    const ready = await call('POST', '/api/actions/adv/continue-rendering', { typeInstances: [] });
    expect(ready.body.status.phase).toBe('READY_TO_RUN');
    expect(ready.body.renderedAction?.children.map((c) => [c.path, c.typeInstances])).toEqual([
      ['actions/part1', [{ name: 'config1', id: config.body.id }]],
      ['actions/part2', []],
    ]);
    const dry = await call<{ error: { code: string; message: string } }>('POST', '/api/actions/adv/run', {});
    expect(dry.status).toBe(409);
    expect(dry.body.error.message).toContain('dry run');

    await call('POST', '/api/actions', { name: 'adv-missing', actionRef: { path: 'actions/advanced' } });
    expect((await waitPhase('adv-missing', 'FAILED')).status.message).toContain('/region is required');
  });

  it('cancels a running Action with its child executions and refuses illegal transitions', async () => {
    await call('POST', '/api/actions', { name: 'long', actionRef: { path: 'actions/slow' } });
    await waitPhase('long', 'READY_TO_RUN');
    const refusedCancel = await call<{ error: { code: string; message: string } }>(
      'POST',
      '/api/actions/long/cancel',
      {},
    );
    expect(refusedCancel.status).toBe(409);
    expect(refusedCancel.body.error.message).toContain('phase READY_TO_RUN');
    const running = await call('POST', '/api/actions/long/run', {});
    const executionId = running.body.status.runner!.status.executionId;
    await waitFor('the child execution to wait on the hold server', async () => held.length > 0, {
      timeoutMs: 20_000,
    });

    const refusedDelete = await call<{ error: { code: string } }>('DELETE', '/api/actions/long');
    expect(refusedDelete.status).toBe(409);
    expect(refusedDelete.body.error.code).toBe('INVALID_ACTION_STATE');
    const refusedUpdate = await call<{ error: { code: string } }>('PUT', '/api/actions/long', {
      actionRef: { path: 'actions/hello' },
    });
    expect(refusedUpdate.status).toBe(409);
    const refusedContinue = await call<{ error: { code: string } }>(
      'POST',
      '/api/actions/long/continue-rendering',
      {},
    );
    expect(refusedContinue.status).toBe(409);

    const cancelled = await call('POST', '/api/actions/long/cancel', { user: { username: 'carol' } });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status.phase).toBe('CANCELED');
    expect(cancelled.body.status.canceledBy).toEqual({ username: 'carol' });
    // NoETL's GET /api/executions: a bare list.
    const executions = (await (await fetch(`${base}/api/executions?limit=100`)).json()) as Array<{
      execution_id: string;
      parent_execution_id: string | null;
      status: string;
    }>;
    const child = executions.find((e) => e.parent_execution_id === executionId);
    expect(child?.status).toBe('CANCELLED');
    expect(await phasesOnNats('long', 6)).toEqual([
      'INITIAL',
      'BEING_RENDERED',
      'READY_TO_RUN',
      'RUNNING',
      'BEING_CANCELED',
      'CANCELED',
    ]);
    expect((await call('DELETE', '/api/actions/long')).status).toBe(200);
    expect((await call('GET', '/api/actions/long')).status).toBe(404);
  });

  it('passes TypeInstance inputs to the execution and stores declared outputs', async () => {
    await engine.engine.register(yaml`
      apiVersion: noetl.io/v2
      kind: Playbook
      metadata:
        name: typed
        path: actions/typed
        input:
          typeInstances:
            - { name: cfg, typeRef: { path: cap.type.config, revision: '1' } }
        output:
          typeInstances:
            - { name: doubled, typeRef: { path: cap.type.number, revision: '1' }, from: double }
      workflow:
        - step: start
          next: double
        - step: double
          tool: { kind: noop, result: '{{ workload.typeInstances.cfg.value.size * 2 }}' }
          next: end
        - step: end
    `);
    await call('POST', '/api/actions', { name: 'typed-missing', actionRef: { path: 'actions/typed' } });
    expect((await waitPhase('typed-missing', 'FAILED')).status.message).toBe(
      'playbook actions/typed: required TypeInstance "cfg" (cap.type.config@1) is missing',
    );
    const cfg = await call<{ id: string }>('POST', '/api/typeinstances', {
      typeRef: { path: 'cap.type.config', revision: '1' },
      value: { size: 21 },
    });
    await call('POST', '/api/actions', {
      name: 'typed',
      actionRef: { path: 'actions/typed', revision: '1' },
      input: { typeInstances: [{ name: 'cfg', id: cfg.body.id }] },
    });
    await waitPhase('typed', 'READY_TO_RUN');
    await call('POST', '/api/actions/typed/run', {});
    const done = await waitPhase('typed', 'SUCCEEDED');
    const [output] = done.output.typeInstances;
    expect(output).toMatchObject({ name: 'doubled', typeRef: { path: 'cap.type.number', revision: '1' } });
    const stored = await call<{ value: unknown }>('GET', `/api/typeinstances/${output!.id}`);
    expect(stored.body.value).toBe(42);
    const listed = await call<{ typeInstances: Array<{ id: string }> }>(
      'GET',
      '/api/typeinstances?path=cap.type.number',
    );
    expect(listed.body.typeInstances.map((t) => t.id)).toEqual([output!.id]);
  });

  it('lists with filters and answers bad input with 400', async () => {
    const all = await call<{ actions: Action[] }>('GET', '/api/actions?nameRegex=^adv');
    expect(all.body.actions.map((a) => a.name).sort()).toEqual(['adv', 'adv-missing']);
    const failed = await call<{ actions: Action[] }>(
      'GET',
      '/api/actions?phase=FAILED&interfaceRef=actions/hello',
    );
    expect(failed.body.actions.map((a) => a.name)).toEqual(['bad-params']);
    expect((await call('POST', '/api/actions', { name: 'bad.name', actionRef: { path: 'x' } })).status).toBe(
      400,
    );
    expect(
      (await call('POST', '/api/actions', { name: 'basic', actionRef: { path: 'actions/hello' } })).status,
    ).toBe(409);
    expect((await call('GET', '/api/actions?nameRegex=(')).status).toBe(400);
    const nested = await call<{ error: { code: string; message: string } }>(
      'GET',
      `/api/actions?nameRegex=${encodeURIComponent('^(a+)+$')}`,
    );
    expect(nested.status).toBe(400);
    expect(nested.body.error.message).toMatch(/nested quantifiers/);
  });
});
