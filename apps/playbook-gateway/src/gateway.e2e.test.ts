import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { getFreePort, postGraphQL, waitFor, type ChildApp, type TestNats } from '@switchyard/testing';
import type { GatewayService } from './server.js';
import type { JwksServer } from './test-fixtures/jwks-server.js';
import { startHoldServer } from './test-fixtures/hold-server.js';
import { closeCode, collect, wsClient } from './test-fixtures/graphql-ws-client.js';
import { startGatewayStack, type GatewayStack } from './test-fixtures/stack.js';

/**
 * End to end: a real NATS, a local JWKS, the playbook engine as a child process and the gateway in-process.
 */

interface EventRow {
  seq: number;
  type: string;
  status: string;
  step?: string | null;
}

let stack: GatewayStack;
let nats: TestNats;
let jwks: JwksServer;
let engine: ChildApp;
let engineHeaders: Record<string, string>;
let gateway: GatewayService;
let url: string;

const startGateway = (env: Record<string, string>) => stack.startGateway(env);

async function rest(base: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
}

const login = (
  claims: Record<string, unknown> = { sub: 'user-1', email: 'user1@example.com', name: 'User One' },
) => stack.login(claims);

function gql<T = Record<string, unknown>>(
  query: string,
  token?: string,
  variables?: Record<string, unknown>,
  base = url,
) {
  return postGraphQL<T>(
    `${base}/graphql`,
    query,
    variables,
    token ? { authorization: `Bearer ${token}` } : {},
  );
}

async function engineEvents(id: string): Promise<EventRow[]> {
  const res = await fetch(`${engine.url}/api/executions/${id}/events`, { headers: engineHeaders });
  return ((await res.json()) as { events: EventRow[] }).events;
}

async function execute(token: string, name: string, variables?: Record<string, unknown>): Promise<string> {
  const res = await gql<{ executePlaybook: { id: string; name: string; status: string } }>(
    'mutation Run($name: String!, $variables: JSON) { executePlaybook(name: $name, variables: $variables) { id name status } }',
    token,
    { name, variables },
  );
  expect(res.errors).toBeUndefined();
  expect(res.data?.executePlaybook.name).toBe(name);
  return res.data!.executePlaybook.id;
}

async function engineFinished(id: string): Promise<void> {
  await waitFor(
    `execution ${id} to finish`,
    async () => {
      const res = await fetch(`${engine.url}/api/executions/${id}/status`, { headers: engineHeaders });
      return ((await res.json()) as { completed: boolean }).completed;
    },
    { timeoutMs: 30_000 },
  );
}

const EVENTS = (id: string, fromSeq = 1) =>
  `subscription { executionEvents(executionId: "${id}", fromSeq: ${fromSeq}) { seq type status step executionId } }`;

beforeAll(async () => {
  stack = await startGatewayStack({
    allowLocalEgress: true,
    engineEnv: { AUTH_ADMIN_EMAILS: 'root@example.com' },
    gatewayEnv: { CORS_ORIGINS: 'http://allowed.example', WS_MAX_SUBSCRIPTIONS: '3' },
  });
  ({ nats, jwks, engine, engineHeaders, gateway, url } = stack);
}, 180_000);

afterAll(async () => {
  await stack?.stop();
});

describe('auth REST', () => {
  it('logs in with a JWT from the JWKS, validates the session and checks access', async () => {
    const token = await jwks.sign({ sub: 'user-rest', email: 'rest@example.com', name: 'Rest User' });
    const res = await rest(url, '/api/auth/login', { auth0_token: token, session_duration_hours: 2 });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'authenticated',
      user: { email: 'rest@example.com', display_name: 'Rest User' },
      message: expect.any(String),
    });
    expect(res.headers.get('set-cookie')).toMatch(/session_token=.+HttpOnly/i);
    const session = res.body.session_token as string;
    expect(session).toMatch(/^[A-Za-z0-9_-]{40,}$/);

    const valid = await rest(url, '/api/auth/validate', { session_token: session });
    expect(valid.status).toBe(200);
    expect(valid.body).toMatchObject({
      valid: true,
      user: { email: 'rest@example.com' },
      expires_at: res.body.expires_at,
    });

    const allowed = await rest(url, '/api/auth/check-access', {
      session_token: session,
      playbook_path: 'examples/hello_world',
      permission_type: 'execute',
    });
    expect(allowed.status).toBe(200);
    expect(allowed.body).toMatchObject({
      allowed: true,
      playbook_path: 'examples/hello_world',
      permission_type: 'execute',
    });

    const denied = await rest(url, '/api/auth/check-access', {
      session_token: session,
      playbook_path: 'admin/reset',
      permission_type: 'execute',
    });
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({ allowed: false, error: expect.stringContaining('admin/reset') });

    const unknown = await rest(url, '/api/auth/validate', { session_token: 'not-a-session' });
    expect(unknown.status).toBe(401);
    expect(unknown.body).toMatchObject({ valid: false, error: expect.any(String) });
  });

  it('refuses expired, forged and wrong-audience JWTs with 401', async () => {
    const expired = await jwks.sign({ sub: 'user-x' }, { expiresIn: -60 });
    const forged = await jwks.sign({ sub: 'user-x' }, { otherKey: true });
    const audience = await jwks.sign({ sub: 'user-x' }, { audience: 'someone-else' });
    for (const token of [expired, forged, audience, 'not.a.jwt']) {
      const res = await rest(url, '/api/auth/login', { auth0_token: token });
      expect(res.status).toBe(401);
      expect(res.body.error).toEqual(expect.any(String));
    }
  });

  it('answers malformed bodies with 400 and { error }', async () => {
    const cases: Array<[string, unknown]> = [
      ['/api/auth/login', {}],
      ['/api/auth/login', { auth0_token: 42 }],
      ['/api/auth/login', { auth0_token: 'x', session_duration_hours: 'long' }],
      ['/api/auth/login', '{"auth0_token":'],
      ['/api/auth/login', '[1,2]'],
      ['/api/auth/validate', { token: 'x' }],
      ['/api/auth/check-access', { session_token: 'x', playbook_path: 'a' }],
      ['/api/auth/check-access', { session_token: 'x', playbook_path: 'a', permission_type: 'DROP TABLE' }],
    ];
    for (const [path, body] of cases) {
      const res = await rest(url, path, body);
      expect(res.status, `${path} ${JSON.stringify(body)}`).toBe(400);
      expect(res.body.error).toEqual(expect.any(String));
    }
  });
});

describe('GraphQL', () => {
  let session: string;
  beforeAll(async () => {
    session = await login();
  });

  it('answers missing, forged and expired sessions with UNAUTHENTICATED, and health without one', async () => {
    const query = '{ executions(first: 1) { totalCount } }';
    expect((await gql(query)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await gql(query, 'forged-session-token')).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const viaHeader = await postGraphQL(`${url}/graphql`, query, undefined, {
      'x-session-token': 'forged-too',
    });
    expect(viaHeader.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    // A session that expires in a few seconds: valid first, then refused (the cache never outlives it).
    const shortLogin = await rest(url, '/api/auth/login', {
      auth0_token: await jwks.sign({ sub: 'user-short' }),
      session_duration_hours: 0.001,
    });
    const short = shortLogin.body.session_token as string;
    const expiresAt = Date.parse(shortLogin.body.expires_at as string);
    expect((await gql(query, short)).errors).toBeUndefined();
    const socket = wsClient(url, { sessionToken: short }, undefined, false);
    expect((await collect(socket, '{ health }')).results[0]?.data).toEqual({ health: 'ok' });
    await new Promise((r) => setTimeout(r, Math.max(0, expiresAt - Date.now()) + 300));
    const late = await gql(query, short);
    expect(late.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(late.errors?.[0]?.message).toMatch(/expired/);
    // The socket opened while the session was valid cannot start new operations after it expired.
    const lateSub = await collect(socket, EVENTS('1'));
    const subErrors = (lateSub.error ?? lateSub.results[0]?.errors) as Array<{
      extensions?: { code?: string };
    }>;
    expect(subErrors[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    await socket.dispose();

    expect((await gql('{ health }')).data).toEqual({ health: 'ok' });
  });

  it('runs a playbook and reads it back with its events, by header or cookie', async () => {
    const id = await execute(session, 'examples/hello_world', { name: 'Gateway' });
    await engineFinished(id);
    const res = await postGraphQL<{
      execution: { id: string; name: string; status: string; textOutput: string; events: EventRow[] };
    }>(
      `${url}/graphql`,
      `{ execution(id: "${id}") { id name status textOutput result startedAt endedAt parentId events { seq type } } }`,
      undefined,
      { cookie: `session_token=${session}` },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.execution).toMatchObject({ id, name: 'examples/hello_world', status: 'COMPLETED' });
    expect(res.data?.execution.textOutput).toContain('Hello, Gateway!');
    const events = await engineEvents(id);
    expect(res.data?.execution.events.map((e) => e.seq)).toEqual(events.map((e) => e.seq));

    const engineRequests = async (method: string, route: string) => {
      const text = await (await fetch(`${engine.url}/metrics`)).text();
      const pattern = new RegExp(
        `^http_requests_total\\{method="${method}",route="${route.replace(/[/:]/g, '\\$&')}",status="200"[^}]*\\} (\\d+)$`,
        'm',
      );
      return Number(pattern.exec(text)?.[1] ?? 0);
    };
    await engineFinished(await execute(session, 'examples/hello_world', { name: 'Again' }));
    const batchesBefore = await engineRequests('POST', '/api/executions/batch');
    const singlesBefore = await engineRequests('GET', '/api/executions/:execution_id');
    const list = await gql<{
      executions: {
        totalCount: number;
        nodes: Array<{ id: string; events: EventRow[] }>;
        pageInfo: { endCursor: string };
      };
    }>(
      '{ executions(path: "examples/hello_world", first: 5) { totalCount nodes { id status events { seq } } pageInfo { hasNextPage endCursor } } }',
      session,
    );
    expect(list.errors).toBeUndefined();
    expect(list.data?.executions.nodes.map((n) => n.id)).toContain(id);
    expect(list.data?.executions.nodes.every((n) => n.events.length > 0)).toBe(true);
    // Every node's events came from one batched engine request, not one request per execution.
    expect(list.data!.executions.nodes.length).toBeGreaterThan(1);
    expect(await engineRequests('POST', '/api/executions/batch')).toBe(batchesBefore + 1);
    expect(await engineRequests('GET', '/api/executions/:execution_id')).toBe(singlesBefore);

    const playbooks = await gql<{ playbooks: Array<{ path: string }> }>(
      '{ playbooks { path version } }',
      session,
    );
    const paths = playbooks.data?.playbooks.map((p) => p.path) ?? [];
    expect(paths).toContain('examples/hello_world');
    // The default role may not view the auth playbooks.
    expect(paths.some((p) => p.startsWith('api_integration/'))).toBe(false);
    expect((await gql('{ execution(id: "999999999") { id } }', session)).data).toEqual({ execution: null });
  });

  it('answers FORBIDDEN for a denied playbook path', async () => {
    for (const name of ['admin/reset', 'api_integration/auth0/auth0_login']) {
      const res = await gql('mutation { executePlaybook(name: "' + name + '") { id } }', session);
      expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    const unknown = await gql(
      'mutation { executePlaybook(name: "examples/no_such_playbook") { id } }',
      session,
    );
    expect(unknown.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const badVariables = await gql(
      'mutation { executePlaybook(name: "examples/hello_world", variables: [1]) { id } }',
      session,
    );
    expect(badVariables.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    // An auth execution exists, but the default role may not view it.
    const list = await fetch(`${engine.url}/api/executions?path=api_integration/auth0/auth0_login&limit=1`, {
      headers: engineHeaders,
    });
    // NoETL's GET /api/executions: a bare list.
    const authRun = ((await list.json()) as Array<{ execution_id: string }>)[0]!;
    const res = await gql(`{ execution(id: "${authRun.execution_id}") { id } }`, session);
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const sub = await collect(wsClient(url, { sessionToken: session }), EVENTS(authRun.execution_id));
    const errors = (sub.error ?? sub.results[0]?.errors) as Array<{ extensions?: { code?: string } }>;
    expect(errors[0]?.extensions?.code).toBe('FORBIDDEN');

    // Not even an admin (view and execute on every path) may read an auth run through GraphQL: its result
    // holds a session token.
    const admin = await login({ sub: 'root-1', email: 'root@example.com', name: 'Root' });
    const adminView = await gql<{ execution: { result: unknown } | null }>(
      `{ execution(id: "${authRun.execution_id}") { id result } }`,
      admin,
    );
    expect(adminView.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(adminView.errors?.[0]?.message).toMatch(/internal to the gateway/);
    const adminRun = await gql(
      'mutation { executePlaybook(name: "api_integration/auth0/auth0_login") { id } }',
      admin,
    );
    expect(adminRun.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // The admin really holds the admin role: a path the default role may not touch is only NOT_FOUND.
    const adminOnly = await gql('mutation { executePlaybook(name: "admin/reset") { id } }', admin);
    expect(adminOnly.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('answers CORS preflights from an allowed origin and refuses others', async () => {
    const preflight = (origin: string) =>
      fetch(`${url}/graphql`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type, authorization',
        },
      });
    const ok = await preflight('http://allowed.example');
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe('http://allowed.example');
    expect(ok.headers.get('access-control-allow-credentials')).toBe('true');
    expect(ok.headers.get('access-control-allow-headers')).toContain('authorization');
    const refused = await preflight('http://evil.example');
    expect(refused.status).toBe(403);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    const simple = await fetch(`${url}/health`, { headers: { origin: 'http://evil.example' } });
    expect(simple.headers.get('access-control-allow-origin')).toBeNull();

    // Browsers do not apply CORS to WebSockets, so the handshake checks the Origin itself.
    const handshake = (origin: string) =>
      new Promise<number>((resolve) => {
        const socket = new WebSocket(`${url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws', {
          origin,
        });
        socket.once('open', () => {
          socket.close();
          resolve(101);
        });
        socket.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        socket.once('error', () => undefined);
      });
    expect(await handshake('http://allowed.example')).toBe(101);
    expect(await handshake('http://evil.example')).toBe(403);
  });

  it('serves GraphiQL on GET /graphql and redirects / there', async () => {
    const page = await fetch(`${url}/graphql`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('id="session-token"');
    expect(html).not.toMatch(/(src|href)="https?:/);
    const script = await fetch(`${url}/graphiql/graphiql-page.js`);
    expect(script.status).toBe(200);
    expect(await script.text()).toContain('createFetcher');
    const root = await fetch(`${url}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/graphql');
  });
});

describe('subscriptions', () => {
  let session: string;
  beforeAll(async () => {
    session = await login({ sub: 'user-subs', email: 'subs@example.com' });
  });

  it('streams every event of a run in order and completes, also for a late subscriber', async () => {
    const hold = await startHoldServer();
    try {
      const id = await execute(session, 'examples/http_case', { url: hold.url });
      const client = wsClient(url, { sessionToken: session });
      const live = collect<{ executionEvents: EventRow }>(client, EVENTS(id));
      await hold.requested;
      hold.release();
      const got = await live;
      expect(got.error).toBeUndefined();
      const events = got.results.map((r) => r.data!.executionEvents);
      const truth = await engineEvents(id);
      expect(events.map((e) => [e.seq, e.type])).toEqual(truth.map((e) => [e.seq, e.type]));
      expect(events.map((e) => e.seq)).toEqual(truth.map((_, i) => i + 1));
      expect(events.at(-1)?.type).toBe('playbook.completed');

      // After the run finished: the whole history again, then complete; fromSeq skips the start.
      const late = await collect<{ executionEvents: EventRow }>(client, EVENTS(id));
      expect(late.results.map((r) => r.data!.executionEvents.seq)).toEqual(truth.map((e) => e.seq));
      const tail = await collect<{ executionEvents: EventRow }>(client, EVENTS(id, 5));
      expect(tail.results.map((r) => r.data!.executionEvents.seq)).toEqual(
        truth.filter((e) => e.seq >= 5).map((e) => e.seq),
      );
      await client.dispose();
    } finally {
      await hold.close();
    }
  });

  it('pushes executionStatus changes until COMPLETED or FAILED and limits subscriptions per connection', async () => {
    const hold = await startHoldServer();
    try {
      const id = await execute(session, 'examples/http_case', { url: hold.url });
      await hold.requested;
      // The cookie works for the WebSocket handshake as it does for HTTP.
      const client = wsClient(url, {}, { cookie: `session_token=${session}` });
      const statuses: string[] = [];
      const status = collect<{ executionStatus: { id: string; status: string; textOutput: string | null } }>(
        client,
        `subscription { executionStatus(executionId: "${id}") { id status textOutput } }`,
        (r) => statuses.push(r.data?.executionStatus.status ?? 'error'),
      );
      const extra = [collect(client, EVENTS(id)), collect(client, EVENTS(id))];
      await waitFor('the first status', async () => statuses.length > 0);
      const refused = await collect(client, EVENTS(id));
      const errors = (refused.error ?? refused.results[0]?.errors) as Array<{
        extensions?: { code?: string };
      }>;
      expect(errors[0]?.extensions?.code).toBe('SUBSCRIPTION_LIMIT');
      hold.release();
      const done = await status;
      expect(done.error).toBeUndefined();
      expect(statuses[0]).toBe('RUNNING');
      expect(['COMPLETED', 'FAILED']).toContain(statuses.at(-1));
      expect(new Set(statuses).size).toBe(statuses.length);
      await Promise.all(extra);
      await client.dispose();
    } finally {
      await hold.close();
    }
  });

  it('resumes live subscriptions across a NATS restart without losing or repeating events', async () => {
    const hold = await startHoldServer();
    try {
      const id = await execute(session, 'examples/http_case', { url: hold.url });
      const client = wsClient(url, { sessionToken: session });
      const seen: EventRow[] = [];
      const live = collect<{ executionEvents: EventRow }>(client, EVENTS(id), (r) => {
        if (r.data) seen.push(r.data.executionEvents);
      });
      await waitFor('the run to reach its http step', async () =>
        seen.some((e) => e.step === 'fetch' && e.type === 'step.enter'),
      );
      await nats.pause();
      // The worker's answer goes out while NATS is down; it is delivered, and the run finishes, once NATS is back.
      hold.release();
      await nats.resume();
      await engineFinished(id);
      const got = await live;
      expect(got.error).toBeUndefined();
      const truth = await engineEvents(id);
      expect(got.results.map((r) => r.data!.executionEvents.seq)).toEqual(truth.map((_, i) => i + 1));
      expect(got.results.map((r) => r.data!.executionEvents.type)).toEqual(truth.map((e) => e.type));
      await client.dispose();
    } finally {
      await hold.close();
    }
  }, 90_000);

  it('closes every subscription it opened and reports its metrics', async () => {
    await waitFor(
      'no active subscriptions',
      async () => (await gateway.metrics.activeSubscriptions.get()).values[0]?.value === 0,
    );
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(text).toMatch(/gateway_events_forwarded_total\{[^}]*\} [1-9]/);
    expect(text).toMatch(/gateway_auth_cache_total\{[^}]*kind="session"[^}]*outcome="hit"[^}]*\} [1-9]/);
    expect(text).toMatch(/gateway_graphql_requests_total\{[^}]*transport="http"[^}]*\} [1-9]/);
  });

  it('cancels a running execution, which ends its event stream with execution.cancelled', async () => {
    const hold = await startHoldServer();
    try {
      const id = await execute(session, 'examples/http_case', { url: hold.url });
      await hold.requested;
      const client = wsClient(url, { sessionToken: session });
      const stream = collect<{ executionEvents: EventRow }>(client, EVENTS(id));
      const res = await gql<{ cancelExecution: { id: string; status: string } }>(
        `mutation { cancelExecution(id: "${id}", reason: "e2e") { id status error } }`,
        session,
      );
      expect(res.errors).toBeUndefined();
      expect(res.data?.cancelExecution).toMatchObject({ id, status: 'CANCELLED' });
      const got = await stream;
      expect(got.results.at(-1)?.data?.executionEvents).toMatchObject({
        type: 'execution.cancelled',
        status: 'CANCELLED',
      });
      hold.release();
      const missing = await gql('mutation { cancelExecution(id: "999999999") { id } }', session);
      expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      await client.dispose();
    } finally {
      await hold.close();
    }
  });

  it('refuses a WebSocket without a valid session with close code 4401', async () => {
    for (const params of [{}, { sessionToken: 'forged' }]) {
      const client = wsClient(url, params);
      const res = await collect(client, EVENTS('1'));
      expect(closeCode(res.error)).toBe(4401);
      await client.dispose();
    }
  });
});

describe('engine down and edge limits', () => {
  let offline: { gateway: GatewayService; url: string };
  beforeAll(async () => {
    const deadPort = await getFreePort();
    offline = await startGateway({
      NOETL_BASE_URL: `http://127.0.0.1:${deadPort}`,
      ENGINE_TIMEOUT_MS: '2000',
      GRAPHQL_MAX_DEPTH: '2',
      GRAPHQL_MAX_QUERY_BYTES: '2000',
      RATE_LIMIT_PER_IP: '12',
    });
    await waitFor('offline gateway connected to NATS', async () => offline.gateway.nats.connected);
  });
  afterAll(async () => {
    await offline?.gateway.shutdown();
  });

  it('keeps serving: ENGINE_UNAVAILABLE in GraphQL, 502 on REST, not ready; depth, size and rate limits apply', async () => {
    const base = offline.url;
    expect((await gql('{ health }', undefined, undefined, base)).data).toEqual({ health: 'ok' });
    const down = await gql('{ playbooks { path } }', 'some-session', undefined, base);
    expect(down.errors?.[0]?.extensions?.code).toBe('ENGINE_UNAVAILABLE');
    const loginRes = await rest(base, '/api/auth/login', { auth0_token: await jwks.sign({ sub: 'x' }) });
    expect(loginRes.status).toBe(502);
    expect(loginRes.body.error).toEqual(expect.any(String));
    const ready = await fetch(`${base}/ready`);
    expect(ready.status).toBe(503);

    const deep = await postGraphQL(`${base}/graphql`, '{ executions { nodes { id } } }', undefined, {
      authorization: 'Bearer some-session',
      accept: 'application/graphql-response+json',
    });
    expect(deep.status).toBe(400);
    expect(deep.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_DEEP');
    const big = await gql(`{ health ${' '.repeat(3000)} }`, undefined, undefined, base);
    expect(big.status).toBe(413);
    expect(big.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_LARGE');

    let limited: Awaited<ReturnType<typeof gql>> | undefined;
    for (let i = 0; i < 20 && !limited; i++) {
      const res = await gql('{ health }', undefined, undefined, base);
      if (res.status === 429) limited = res;
    }
    expect(limited?.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/gateway_rate_limited_total\{[^}]*scope="ip"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/gateway_graphql_errors_total\{[^}]*code="QUERY_TOO_DEEP"[^}]*\} 1/);
  });
});
