import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditGraphQLHttp, postGraphQL, waitFor, type ChildApp } from '@switchyard/testing';
import { collect, wsClient } from './test-fixtures/graphql-ws-client.js';
import { startEngineStack, type EngineStack } from './test-fixtures/stack.js';

/**
 * Hostile clients against live services (real NATS, the engine as a child process, the gateway in-process):
 * alias and mutation fan-out, costly nesting, rate limits that count operations, and inputs that must be
 * reported as the client's mistake.
 */

let stack: EngineStack;
let engine: ChildApp;
let engineHeaders: Record<string, string>;

const startGateway = async (env: Record<string, string> = {}) => (await stack.startGateway(env)).url;

const login = (base: string, sub: string) => stack.loginAt(base, { sub, email: `${sub}@example.com` });

async function engineRuns(path: string): Promise<number> {
  const res = await fetch(`${engine.url}/api/executions?path=${encodeURIComponent(path)}&limit=1`, {
    headers: engineHeaders,
  });
  return ((await res.json()) as { total: number }).total;
}

const aliases = (count: number, field: (i: number) => string) =>
  Array.from({ length: count }, (_, i) => `a${i}: ${field(i)}`).join(' ');

beforeAll(async () => {
  stack = await startEngineStack();
  ({ engine, engineHeaders } = stack);
}, 180_000);

afterAll(async () => {
  await stack?.stop();
});

describe('cost limits', () => {
  let url: string;
  let session: string;
  const gql = <T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>) =>
    postGraphQL<T>(`${url}/graphql`, query, variables, {
      authorization: `Bearer ${session}`,
      accept: 'application/graphql-response+json',
    });

  beforeAll(async () => {
    url = await startGateway({ RATE_LIMIT_ENABLED: 'false' });
    session = await login(url, 'cost-user');
  });

  it('refuses 100 aliased executePlaybook in one mutation and starts none of them', async () => {
    const before = await engineRuns('examples/hello_world');
    const res = await gql(
      `mutation { ${aliases(100, () => 'executePlaybook(name: "examples/hello_world") { id }')} }`,
    );
    expect(res.status).toBe(400);
    expect(res.errors?.map((e) => e.extensions?.code)).toContain('MAX_ROOT_MUTATIONS_EXCEEDED');
    expect(res.data).toBeUndefined();
    expect(await engineRuns('examples/hello_world')).toBe(before);
  });

  it('refuses 200 aliased createTypeInstance', async () => {
    const res = await gql(
      `mutation { ${aliases(200, (i) => `createTypeInstance(in: { typeRef: { path: "cap.type.x", revision: "1" }, value: ${i} }) { id }`)} }`,
    );
    expect(res.status).toBe(400);
    expect(res.errors?.map((e) => e.extensions?.code)).toEqual(
      expect.arrayContaining(['MAX_ROOT_MUTATIONS_EXCEEDED', 'MAX_ALIASES_EXCEEDED']),
    );
  });

  it('refuses alias fan-out of nested lists, pages above 100 and costly nesting before running them', async () => {
    const fanOut = await gql(
      `{ ${aliases(150, () => 'executions(first: 100) { nodes { events { result } } }')} }`,
    );
    expect(fanOut.status).toBe(400);
    expect(fanOut.errors?.map((e) => e.extensions?.code)).toEqual(
      expect.arrayContaining(['MAX_ALIASES_EXCEEDED', 'MAX_COST_EXCEEDED']),
    );
    const costly = await gql(
      `{ ${aliases(20, () => 'executions(first: 100) { nodes { events { result } } }')} }`,
    );
    expect(costly.errors?.map((e) => e.extensions?.code)).toEqual(['MAX_COST_EXCEEDED']);
    expect(costly.errors?.[0]?.extensions).toMatchObject({ limit: 20_000, actual: expect.any(Number) });

    const page = await gql('query($n: Int) { executions(first: $n) { totalCount } }', { n: 500 });
    expect(page.status).toBe(400);
    expect(page.errors?.[0]?.extensions?.code).toBe('LIST_SIZE_EXCEEDED');
    const fine = await gql<{ executions: { totalCount: number } }>(
      '{ executions(first: 100) { totalCount nodes { id events { seq result } } } }',
    );
    expect(fine.errors).toBeUndefined();
  });

  it('answers a legacy application/json client with 200 and the same errors', async () => {
    const res = await postGraphQL(`${url}/graphql`, `{ ${aliases(31, () => 'health')} }`, undefined, {
      authorization: `Bearer ${session}`,
    });
    expect(res.status).toBe(200);
    expect(res.errors?.[0]?.extensions?.code).toBe('MAX_ALIASES_EXCEEDED');
  });

  it('applies the same limits over graphql-ws', async () => {
    const client = wsClient(url, { sessionToken: session });
    const seen = await collect(client, `{ ${aliases(31, () => 'health')} }`);
    expect((seen.error as Array<{ extensions?: { code?: string } }>)[0]?.extensions?.code).toBe(
      'MAX_ALIASES_EXCEEDED',
    );
    await client.dispose();
  });
});

describe('rate limits count operations and cost', () => {
  it('refuses one HTTP request that carries more operations than the session may run', async () => {
    const url = await startGateway({ RATE_LIMIT_PER_SESSION: '10', RATE_LIMIT_COST_PER_SESSION: '100000' });
    const session = await login(url, 'rate-user');
    const headers = { authorization: `Bearer ${session}` };
    const first = await postGraphQL(
      `${url}/graphql`,
      `{ ${aliases(6, () => 'health')} }`,
      undefined,
      headers,
    );
    expect(first.errors).toBeUndefined();
    const second = await postGraphQL(
      `${url}/graphql`,
      `{ ${aliases(6, () => 'health')} }`,
      undefined,
      headers,
    );
    expect(second.status).toBe(429);
    expect(second.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
  });

  it('counts documents that do not parse, and refuses an exhausted client before parsing', async () => {
    const url = await startGateway({ RATE_LIMIT_PER_SESSION: '3' });
    const session = await login(url, 'garbage-user');
    const headers = { authorization: `Bearer ${session}` };
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++)
      statuses.push((await postGraphQL(`${url}/graphql`, '{', undefined, headers)).status);
    expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
    expect(statuses.slice(3)).toEqual([429, 429]);
    const limited = await postGraphQL(`${url}/graphql`, '{ health }', undefined, headers);
    expect(limited.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
  });

  it('charges cost: a few expensive pages use up the session budget', async () => {
    const url = await startGateway({ RATE_LIMIT_COST_PER_SESSION: '3000' });
    const session = await login(url, 'cost-rate-user');
    const headers = { authorization: `Bearer ${session}` };
    const page = '{ executions(first: 100) { nodes { id events { seq } } } }';
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await postGraphQL(`${url}/graphql`, page, undefined, headers)).status);
    expect(statuses.slice(0, 2)).toEqual([200, 200]);
    expect(statuses).toContain(429);

    const client = wsClient(url, { sessionToken: session });
    const seen = await collect(client, page);
    expect((seen.error as Array<{ extensions?: { code?: string } }>)[0]?.extensions?.code).toBe(
      'RATE_LIMITED',
    );
    await client.dispose();
  });
});

describe('errors say what happened', () => {
  let url: string;
  let session: string;
  const gql = <T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>) =>
    postGraphQL<T>(`${url}/graphql`, query, variables, { authorization: `Bearer ${session}` });

  beforeAll(async () => {
    url = await startGateway({ RATE_LIMIT_ENABLED: 'false' });
    session = await login(url, 'errors-user');
  });

  it('answers a JSON variable nested 5,000 deep with BAD_USER_INPUT, without asking the engine', async () => {
    // Written by hand: JSON.stringify itself cannot serialise a value this deep.
    const deep = `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`;
    const before = await engineRuns('examples/hello_world');
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${session}` },
      body: `{"query":"mutation($v: JSON) { executePlaybook(name: \\"examples/hello_world\\", variables: $v) { id } }","variables":{"v":${deep}}}`,
    });
    const res = (await response.json()) as {
      errors?: Array<{ message: string; extensions?: { code?: string } }>;
    };
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0]?.message).toMatch(/deeper than 64/);
    expect(await engineRuns('examples/hello_world')).toBe(before);

    const literal = `mutation { executePlaybook(name: "examples/hello_world", variables: ${'{a: '.repeat(100)}1${' }'.repeat(100)}) { id } }`;
    const viaLiteral = await gql(literal);
    expect(viaLiteral.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('answers cancelling a finished execution with EXECUTION_FINISHED and its status', async () => {
    const run = await gql<{ executePlaybook: { id: string } }>(
      'mutation { executePlaybook(name: "examples/hello_world") { id } }',
    );
    const id = run.data!.executePlaybook.id;
    await waitFor(
      'the run to finish',
      async () =>
        (
          (await (
            await fetch(`${engine.url}/api/executions/${id}/status`, { headers: engineHeaders })
          ).json()) as { completed: boolean }
        ).completed,
      { timeoutMs: 30_000 },
    );
    const res = await gql(`mutation { cancelExecution(id: "${id}") { id status } }`);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'EXECUTION_FINISHED', status: 'COMPLETED' });
    expect(res.errors?.[0]?.message).toContain('COMPLETED');
  });
});

describe('GraphQL over HTTP', () => {
  it("passes every check of graphql-http's server audit", async () => {
    const url = await startGateway();
    const report = await auditGraphQLHttp(`${url}/graphql`);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(report.total);
    expect(report.total).toBe(61);
  });
});
