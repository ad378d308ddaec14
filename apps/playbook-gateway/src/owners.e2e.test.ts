import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@switchyard/testing';
import { collect, wsClient } from './test-fixtures/graphql-ws-client.js';
import { startGatewayStack, type GatewayStack } from './test-fixtures/stack.js';

/**
 * Owners, end to end (real NATS, the engine as a child process, the gateway in-process): a second user with the
 * default role sees neither the first user's runs, Actions and TypeInstances nor how many there are, and cannot
 * touch them; the admin role (view_all, admin) sees and changes everyone's.
 */

const PATH = 'examples/hello_world';

let stack: GatewayStack;
let url: string;
let alice: string;
let bob: string;
let boss: string;

const login = (sub: string, email: string) => stack.login({ sub, email, name: sub });

beforeAll(async () => {
  stack = await startGatewayStack({
    engineToken: 'owners-e2e-engine-token-0123456789',
    engineEnv: { AUTH_ADMIN_EMAILS: 'boss@example.com' },
    gatewayEnv: { RATE_LIMIT_ENABLED: 'false' },
  });
  url = stack.url;
  [alice, bob, boss] = await Promise.all([
    login('alice', 'alice@example.com'),
    login('bob', 'bob@example.com'),
    login('boss', 'boss@example.com'),
  ]);
}, 180_000);

afterAll(async () => {
  await stack?.stop();
});

const gql = <T = Record<string, unknown>>(
  token: string,
  query: string,
  variables?: Record<string, unknown>,
) => stack.gql<T>(query, token, variables);

const codeOf = (res: { errors?: ReadonlyArray<{ extensions?: Record<string, unknown> }> }) =>
  res.errors?.[0]?.extensions?.code;

async function run(token: string, name: string): Promise<string> {
  const res = await gql<{ executePlaybook: { id: string } }>(
    token,
    'mutation ($v: JSON) { executePlaybook(name: "examples/hello_world", variables: $v) { id } }',
    { v: { name } },
  );
  expect(res.errors).toBeUndefined();
  const id = res.data!.executePlaybook.id;
  await waitFor(
    `execution ${id} to end`,
    async () => {
      const seen = await gql<{ execution: { status: string } | null }>(
        token,
        `{ execution(id: "${id}") { status } }`,
      );
      return seen.data?.execution?.status === 'COMPLETED';
    },
    { timeoutMs: 30_000 },
  );
  return id;
}

interface Page {
  executions: { totalCount: number; nodes: Array<{ id: string; textOutput: string | null }> };
}
const PAGE = `query ($path: String) { executions(path: $path, first: 100) { totalCount nodes { id textOutput } } }`;

describe('executions belong to who started them', () => {
  let aliceRuns: string[];
  let bobRun: string;

  beforeAll(async () => {
    aliceRuns = [await run(alice, 'alice-private-1'), await run(alice, 'alice-private-2')];
    bobRun = await run(bob, 'bob-run');
  }, 90_000);

  it('another user cannot read, list, count or subscribe to them', async () => {
    for (const id of aliceRuns) {
      const read = await gql<{ execution: unknown }>(
        bob,
        `{ execution(id: "${id}") { id args: textOutput } }`,
      );
      expect(read.errors).toBeUndefined();
      expect(read.data?.execution).toBeNull();
    }
    for (const path of [PATH, null]) {
      const page = await gql<Page>(bob, PAGE, { path });
      expect(page.errors).toBeUndefined();
      expect(page.data!.executions.totalCount).toBe(1);
      expect(page.data!.executions.nodes.map((n) => n.id)).toEqual([bobRun]);
      expect(JSON.stringify(page.data)).not.toContain('alice-private');
    }
    // Logins ran as executions too: their number is not anyone's business.
    const logins = await gql<Page>(bob, PAGE, { path: 'api_integration/auth0/auth0_login' });
    expect(logins.data?.executions.totalCount ?? 0).toBe(0);
    const client = wsClient(url, { sessionToken: bob });
    try {
      const events = await collect(
        client,
        `subscription { executionEvents(executionId: "${aliceRuns[0]}") { seq result } }`,
      );
      // No event reaches the other user: the only answer is the error.
      expect(events.results.every((r) => !r.data)).toBe(true);
      const errors = (events.results[0]?.errors ?? events.error) as Array<{ extensions?: { code?: string } }>;
      expect(errors[0]?.extensions?.code).toBe('NOT_FOUND');
      expect(JSON.stringify(events)).not.toContain('alice-private');
    } finally {
      await client.dispose();
    }
  });

  it('another user cannot cancel them', async () => {
    const cancel = await gql(bob, `mutation { cancelExecution(id: "${aliceRuns[0]}") { id status } }`);
    expect(codeOf(cancel)).toBe('NOT_FOUND');
  });

  it('the owner sees and counts exactly their own', async () => {
    const page = await gql<Page>(alice, PAGE, { path: PATH });
    expect(page.data!.executions.totalCount).toBe(2);
    expect(page.data!.executions.nodes.map((n) => n.id).sort()).toEqual([...aliceRuns].sort());
    const read = await gql<{ execution: { textOutput: string } }>(
      alice,
      `{ execution(id: "${aliceRuns[0]}") { textOutput } }`,
    );
    expect(read.data?.execution.textOutput).toContain('alice-private-1');
  });

  it("view_all and admin (the admin role) see everyone's, with the full count", async () => {
    const page = await gql<Page>(boss, PAGE, { path: PATH });
    expect(page.data!.executions.totalCount).toBe(3);
    const read = await gql<{ execution: { id: string } | null }>(
      boss,
      `{ execution(id: "${aliceRuns[1]}") { id } }`,
    );
    expect(read.data?.execution?.id).toBe(aliceRuns[1]);
    const logins = await gql<Page>(boss, PAGE, { path: 'api_integration/auth0/auth0_login' });
    expect(codeOf(logins)).toBeUndefined();
  });
});

interface ActionRow {
  name: string;
}

describe('Actions and TypeInstances belong to who created them', () => {
  it('another user cannot see, count, run, cancel or delete an Action, nor read its TypeInstances', async () => {
    const created = await gql<{ createAction: ActionRow }>(
      alice,
      'mutation { createAction(in: { name: "alice-act", actionRef: { path: "examples/hello_world" } }) { name } }',
    );
    expect(created.errors).toBeUndefined();

    const seen = await gql<{ action: ActionRow | null }>(bob, '{ action(name: "alice-act") { name } }');
    expect(seen.errors).toBeUndefined();
    expect(seen.data?.action).toBeNull();
    const listed = await gql<{ actions: ActionRow[] }>(bob, '{ actions { name } }');
    expect(listed.data?.actions.map((a) => a.name)).not.toContain('alice-act');
    for (const field of ['runAction', 'cancelAction', 'deleteAction']) {
      const res = await gql(bob, `mutation { ${field}(name: "alice-act") { name } }`);
      expect(codeOf(res), field).toBe('NOT_FOUND');
    }
    const update = await gql(
      bob,
      'mutation { updateAction(in: { name: "alice-act", actionRef: { path: "examples/hello_world" } }) { name } }',
    );
    expect(codeOf(update)).toBe('NOT_FOUND');
    const status = await gql(bob, '{ action(name: "alice-act") { status { phase } } }');
    expect((status.data as { action: unknown } | undefined)?.action).toBeNull();

    const mine = await gql<{ actions: ActionRow[] }>(alice, '{ actions { name } }');
    expect(mine.data?.actions.map((a) => a.name)).toContain('alice-act');
    const all = await gql<{ actions: ActionRow[] }>(boss, '{ actions { name } }');
    expect(all.data?.actions.map((a) => a.name)).toContain('alice-act');

    const ti = await gql<{ createTypeInstance: { id: string } }>(
      alice,
      'mutation { createTypeInstance(in: { typeRef: { path: "cap.type.secret", revision: "1" }, value: { pin: "4242" } }) { id } }',
    );
    expect(ti.errors).toBeUndefined();
    const tiId = ti.data!.createTypeInstance.id;
    const read = await gql<{ typeInstance: unknown }>(bob, `{ typeInstance(id: "${tiId}") { id value } }`);
    expect(read.data?.typeInstance).toBeNull();
    const list = await gql<{ typeInstances: Array<{ id: string }> }>(
      bob,
      '{ typeInstances(typeRef: { path: "cap.type.secret" }) { id value } }',
    );
    expect(list.data?.typeInstances).toEqual([]);
    const borrowed = await gql(
      bob,
      `mutation { createAction(in: { name: "bob-borrow", actionRef: { path: "examples/hello_world" },
         input: { typeInstances: [{ name: "secret", id: "${tiId}" }] } }) { name } }`,
    );
    expect(codeOf(borrowed)).toBe('NOT_FOUND');
    const own = await gql<{ typeInstance: { value: unknown } | null }>(
      alice,
      `{ typeInstance(id: "${tiId}") { value } }`,
    );
    expect(own.data?.typeInstance?.value).toEqual({ pin: '4242' });

    // The admin role may delete anyone's; the owner may delete their own.
    const adminDelete = await gql(boss, 'mutation { deleteAction(name: "alice-act") { name } }');
    expect(adminDelete.errors).toBeUndefined();
  }, 60_000);
});
