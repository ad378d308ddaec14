import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor, type ChildApp } from '@switchyard/testing';
import { startHoldServer, type HoldServer } from '../test-fixtures/hold-server.js';
import { collect, wsClient } from '../test-fixtures/graphql-ws-client.js';
import { startGatewayStack, type GatewayStack } from '../test-fixtures/stack.js';

/** End to end: a real NATS, the engine as a child process, the gateway in-process; Actions over GraphQL. */

interface ActionView {
  name: string;
  run: boolean;
  dryRun: boolean;
  renderedAction: {
    path: string;
    revision: string;
    children: Array<{ path: string; typeInstances: unknown[] }>;
  } | null;
  output: { typeInstances: Array<{ name: string; id: string; typeRef: { path: string; revision: string } }> };
  renderingAdvancedMode: {
    enabled: boolean;
    typeInstancesForRenderingIteration: Array<{ name: string; playbookPath: string }>;
  };
  status: {
    phase: string;
    message: string | null;
    runner: { status: { executionId: string; executionStatus: string } } | null;
    createdBy: { username: string } | null;
    runBy: { username: string } | null;
    canceledBy: { username: string } | null;
  };
}

const FIELDS = `name run dryRun renderedAction output { typeInstances { name id typeRef { path revision } } }
  renderingAdvancedMode { enabled typeInstancesForRenderingIteration { name playbookPath } }
  status { phase message runner { status } createdBy { username } runBy { username } canceledBy { username } }`;

let stack: GatewayStack;
let hold: HoldServer;
let engine: ChildApp;
let engineHeaders: Record<string, string>;
let url: string;
let admin: string;
let user: string;

const login = (email: string) => stack.login({ sub: email, email, name: email });

function gql<T = Record<string, ActionView>>(
  query: string,
  variables?: Record<string, unknown>,
  token = admin,
) {
  return stack.gql<T>(query, token, variables);
}

async function mutate(
  field: 'runAction' | 'cancelAction' | 'deleteAction',
  name: string,
): Promise<ActionView> {
  const res = await gql(`mutation ($name: String!) { r: ${field}(name: $name) { ${FIELDS} } }`, { name });
  expect(res.errors).toBeUndefined();
  return res.data!.r!;
}

async function create(input: Record<string, unknown>): Promise<ActionView> {
  const res = await gql(`mutation ($in: ActionDetailsInput!) { r: createAction(in: $in) { ${FIELDS} } }`, {
    in: input,
  });
  expect(res.errors).toBeUndefined();
  return res.data!.r!;
}

async function action(name: string): Promise<ActionView> {
  const res = await gql(`query ($name: String!) { r: action(name: $name) { ${FIELDS} } }`, { name });
  expect(res.errors).toBeUndefined();
  return res.data!.r!;
}

async function waitPhase(name: string, phase: string): Promise<ActionView> {
  let last: ActionView | undefined;
  await waitFor(
    `Action ${name} in ${phase}`,
    async () => (last = await action(name)).status.phase === phase,
    {
      timeoutMs: 30_000,
    },
  );
  return last!;
}

/** Subscribes to actionStatus and resolves with every phase delivered once the stream completes. */
function watch(name: string): { done: Promise<string[]>; seen: string[] } {
  const client = wsClient(url, { sessionToken: admin });
  const seen: string[] = [];
  const done = collect<{ actionStatus: ActionView }>(
    client,
    `subscription { actionStatus(name: "${name}") { status { phase } } }`,
    (r) => {
      if (r.data) seen.push(r.data.actionStatus.status.phase);
    },
  ).then(async (c) => {
    await client.dispose();
    expect(c.error).toBeUndefined();
    return seen;
  });
  return { done, seen };
}

async function expectRefused(operation: string, phase: string): Promise<void> {
  const res = await gql(operation);
  expect(res.errors?.[0]?.extensions?.code).toBe('INVALID_ACTION_STATE');
  expect(res.errors?.[0]?.message).toContain(`phase ${phase}`);
}

async function register(content: string): Promise<void> {
  const res = await fetch(`${engine.url}/api/catalog/register`, {
    method: 'POST',
    headers: { ...engineHeaders, 'content-type': 'application/json' },
    body: JSON.stringify({ content, resource_type: 'Playbook' }),
  });
  expect(res.status, await res.clone().text()).toBeLessThan(300);
}

const PLAYBOOKS = (holdUrl: string) => [
  `apiVersion: noetl.io/v2
kind: Playbook
metadata:
  name: hello
  path: actions/hello
  output:
    typeInstances:
      - { name: greeting, typeRef: { path: cap.type.greeting, revision: '1' }, from: say }
workload: { greeting: hi }
workflow:
  - step: start
    next: say
  - step: say
    tool: { kind: noop, result: '{{ workload.greeting }} there' }
    next: end
  - step: end
`,
  `apiVersion: noetl.io/v2
kind: Playbook
metadata: { name: counted, path: actions/counted }
workload: { count: 1 }
workflow:
  - step: start
`,
  `apiVersion: noetl.io/v2
kind: Playbook
metadata: { name: bad_parent, path: actions/bad_parent }
workflow:
  - step: start
    tool: { kind: playbook, path: actions/counted, args: { count: many } }
`,
  ...[1, 2].map(
    (n) => `apiVersion: noetl.io/v2
kind: Playbook
metadata:
  name: part${n}
  path: actions/part${n}
  input:
    typeInstances:
      - { name: config${n}, typeRef: { path: cap.type.config, revision: '1' }, optional: true }
workflow:
  - step: start
`,
  ),
  `apiVersion: noetl.io/v2
kind: Playbook
metadata: { name: advanced, path: actions/advanced }
workflow:
  - step: start
    next: one
  - step: one
    tool: { kind: playbook, path: actions/part1 }
    next: two
  - step: two
    tool: { kind: playbook, path: actions/part2 }
`,
  `apiVersion: noetl.io/v2
kind: Playbook
metadata: { name: slow_child, path: actions/slow_child }
workflow:
  - step: start
    tool: { kind: http, url: '${holdUrl}' }
`,
  `apiVersion: noetl.io/v2
kind: Playbook
metadata: { name: slow, path: actions/slow }
workflow:
  - step: start
    tool: { kind: playbook, path: actions/slow_child }
`,
];

beforeAll(async () => {
  hold = await startHoldServer();
  stack = await startGatewayStack({
    allowLocalEgress: true,
    engineEnv: { REGISTER_EXAMPLES: 'false', AUTH_ADMIN_EMAILS: 'admin@example.com' },
    gatewayEnv: { RATE_LIMIT_ENABLED: 'false' },
  });
  ({ engine, engineHeaders, url } = stack);
  for (const content of PLAYBOOKS(hold.url)) await register(content);
  admin = await login('admin@example.com');
  user = await login('user@example.com');
}, 180_000);

afterAll(async () => {
  hold?.release();
  await stack?.stop();
  await hold?.close();
});

describe('Actions over GraphQL', () => {
  it('walks the basic flow to SUCCEEDED with an output TypeInstance; actionStatus delivers every phase in order', async () => {
    const created = await create({
      name: 'basic',
      actionRef: { path: 'actions/hello' },
      input: { parameters: { greeting: 'hello' } },
    });
    expect(created.status.createdBy?.username).toBe('admin@example.com');
    const status = watch('basic');
    await waitPhase('basic', 'READY_TO_RUN');
    const running = await mutate('runAction', 'basic');
    expect(running.status.phase).toBe('RUNNING');
    expect(await status.done).toEqual(['INITIAL', 'BEING_RENDERED', 'READY_TO_RUN', 'RUNNING', 'SUCCEEDED']);

    const done = await action('basic');
    expect(done.status.runner?.status).toEqual({
      executionId: running.status.runner!.status.executionId,
      executionStatus: 'COMPLETED',
    });
    expect(done.status.runBy?.username).toBe('admin@example.com');
    const [output] = done.output.typeInstances;
    expect(output).toMatchObject({ name: 'greeting', typeRef: { path: 'cap.type.greeting', revision: '1' } });
    const instance = await gql<{ typeInstance: { value: unknown } }>(
      'query ($id: ID!) { typeInstance(id: $id) { value } }',
      {
        id: output!.id,
      },
    );
    expect(instance.data?.typeInstance.value).toBe('hello there');

    // A late subscriber replays the whole history and completes.
    expect(await watch('basic').done).toEqual([
      'INITIAL',
      'BEING_RENDERED',
      'READY_TO_RUN',
      'RUNNING',
      'SUCCEEDED',
    ]);
  });

  it('walks advanced rendering through two iterations, then runs', async () => {
    const config = await gql<{ createTypeInstance: { id: string } }>(
      'mutation { createTypeInstance(in: { typeRef: { path: "cap.type.config", revision: "1" }, value: { size: 2 } }) { id } }',
    );
    const id = config.data!.createTypeInstance.id;
    await create({ name: 'adv', actionRef: { path: 'actions/advanced' }, advancedRendering: true });
    const status = watch('adv');
    const first = await waitPhase('adv', 'ADVANCED_MODE_RENDERING_ITERATION');
    expect(first.renderingAdvancedMode.typeInstancesForRenderingIteration).toEqual([
      { name: 'config1', playbookPath: 'actions/part1' },
    ]);
    const cont = `mutation ($name: String!, $in: AdvancedModeContinueRenderingInput!) {
      r: continueAdvancedRendering(actionName: $name, in: $in) { ${FIELDS} } }`;
    const second = await gql(cont, { name: 'adv', in: { typeInstances: [{ name: 'config1', id }] } });
    expect(second.data?.r?.renderingAdvancedMode.typeInstancesForRenderingIteration).toEqual([
      { name: 'config2', playbookPath: 'actions/part2' },
    ]);
    const ready = await gql(cont, { name: 'adv', in: { typeInstances: [] } });
    expect(ready.data?.r?.status.phase).toBe('READY_TO_RUN');
    expect(ready.data?.r?.renderedAction?.children.map((c) => c.typeInstances)).toEqual([
      [{ name: 'config1', id }],
      [],
    ]);
    await mutate('runAction', 'adv');
    expect(await status.done).toEqual([
      'INITIAL',
      'BEING_RENDERED',
      'ADVANCED_MODE_RENDERING_ITERATION',
      'BEING_RENDERED',
      'ADVANCED_MODE_RENDERING_ITERATION',
      'BEING_RENDERED',
      'READY_TO_RUN',
      'RUNNING',
      'SUCCEEDED',
    ]);
  });

  it('fails rendering in a nested playbook with a message that names it', async () => {
    await create({ name: 'nested-bad', actionRef: { path: 'actions/bad_parent' } });
    const failed = await waitPhase('nested-bad', 'FAILED');
    expect(failed.status.message).toContain(
      'nested playbook actions/counted (step start of actions/bad_parent)',
    );
    expect(failed.status.message).toContain('/count must be number');
    await expectRefused('mutation { runAction(name: "nested-bad") { name } }', 'FAILED');
  });

  it('cancels a long-running Action to CANCELED with its child executions cancelled', async () => {
    await create({ name: 'long', actionRef: { path: 'actions/slow' } });
    const status = watch('long');
    await waitPhase('long', 'READY_TO_RUN');
    await expectRefused('mutation { cancelAction(name: "long") { name } }', 'READY_TO_RUN');
    const running = await mutate('runAction', 'long');
    await hold.requested;
    await expectRefused('mutation { deleteAction(name: "long") { name } }', 'RUNNING');
    await expectRefused('mutation { runAction(name: "long") { name } }', 'RUNNING');
    const cancelled = await mutate('cancelAction', 'long');
    expect(cancelled.status.phase).toBe('CANCELED');
    expect(cancelled.status.canceledBy?.username).toBe('admin@example.com');
    expect(await status.done).toEqual([
      'INITIAL',
      'BEING_RENDERED',
      'READY_TO_RUN',
      'RUNNING',
      'BEING_CANCELED',
      'CANCELED',
    ]);
    const parent = running.status.runner!.status.executionId;
    // NoETL's GET /api/executions: a bare list.
    const list = (await (
      await fetch(`${engine.url}/api/executions?limit=100`, { headers: engineHeaders })
    ).json()) as Array<{
      execution_id: string;
      parent_execution_id: string | null;
      status: string;
    }>;
    expect(list.find((e) => e.execution_id === parent)?.status).toBe('CANCELLED');
    const children = list.filter((e) => e.parent_execution_id === parent);
    expect(children.length).toBeGreaterThan(0);
    expect(children.every((c) => c.status === 'CANCELLED')).toBe(true);
    await expectRefused('mutation { cancelAction(name: "long") { name } }', 'CANCELED');
    expect((await mutate('deleteAction', 'long')).name).toBe('long');
  });

  it('refuses every illegal transition with INVALID_ACTION_STATE and changes nothing', async () => {
    await create({ name: 'dry', actionRef: { path: 'actions/hello' }, dryRun: true });
    await waitPhase('dry', 'READY_TO_RUN');
    await expectRefused('mutation { runAction(name: "dry") { name } }', 'READY_TO_RUN');
    await expectRefused(
      'mutation { continueAdvancedRendering(actionName: "dry", in: { typeInstances: [] }) { name } }',
      'READY_TO_RUN',
    );
    await expectRefused('mutation { runAction(name: "basic") { name } }', 'SUCCEEDED');
    await expectRefused('mutation { cancelAction(name: "basic") { name } }', 'SUCCEEDED');
    await expectRefused(
      'mutation { updateAction(in: { name: "basic", actionRef: { path: "actions/hello" } }) { name } }',
      'SUCCEEDED',
    );
    expect((await action('dry')).status.phase).toBe('READY_TO_RUN');
    expect((await action('dry')).run).toBe(false);
    expect((await action('basic')).status.phase).toBe('SUCCEEDED');
  });

  it('filters actions and enforces authentication and playbook permissions', async () => {
    const list = await gql<{ actions: Array<{ name: string }> }>(
      'query { actions(filter: { phase: SUCCEEDED, nameRegex: "^(basic|adv)$" }) { name } }',
    );
    expect(list.data?.actions.map((a) => a.name).sort()).toEqual(['adv', 'basic']);
    const anonymous = await gql('query { actions { name } }', {}, '');
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const forbidden = await gql(
      'mutation { createAction(in: { name: "nope", actionRef: { path: "actions/hello" } }) { name } }',
      {},
      user,
    );
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // Another user's Action is not shown to a user without view_all, and cannot be run.
    const viewed = await gql<{ action: { name: string } | null }>(
      'query { action(name: "basic") { name } }',
      {},
      user,
    );
    expect(viewed.errors).toBeUndefined();
    expect(viewed.data?.action).toBeNull();
    const cannotRun = await gql('mutation { runAction(name: "dry") { name } }', {}, user);
    expect(cannotRun.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});
