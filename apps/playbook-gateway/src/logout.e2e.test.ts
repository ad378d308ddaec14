import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { postGraphQL } from '@switchyard/testing';
import { collect, wsClient } from './test-fixtures/graphql-ws-client.js';
import { startEngineStack, type EngineStack } from './test-fixtures/stack.js';

/**
 * Logout, end to end: real NATS, the engine as a child process and two gateway replicas in-process, each caching
 * sessions for ten minutes. Logging out on one replica ends the session on both at once and closes its sockets.
 */

let stack: EngineStack;
const urls: string[] = [];

beforeAll(async () => {
  stack = await startEngineStack({ engineToken: 'logout-e2e-engine-token-0123456789' });
  for (let i = 0; i < 2; i++) {
    const { gateway, url } = await stack.startGateway({
      RATE_LIMIT_ENABLED: 'false',
      // Long enough that only the revocation broadcast, not an expiring cache entry, can end the session.
      SESSION_CACHE_TTL_MS: '600000',
    });
    urls.push(url);
    await gateway.revocationsReady;
  }
}, 180_000);

afterAll(async () => {
  await stack?.stop();
});

const login = (sub: string) => stack.loginAt(urls[0]!, { sub, email: `${sub}@example.com`, name: sub });

const me = (replica: number, token: string) =>
  postGraphQL<{ executions: { totalCount: number } }>(
    `${urls[replica]}/graphql`,
    '{ executions { totalCount } }',
    undefined,
    {
      authorization: `Bearer ${token}`,
    },
  );

const codeOf = (res: { errors?: ReadonlyArray<{ extensions?: Record<string, unknown> }> }) =>
  res.errors?.[0]?.extensions?.code;

/** An open graphql-ws connection of `token` on a replica, with the close code it ends with. */
async function openSocket(
  replica: number,
  token: string,
): Promise<{ client: Client; closed: Promise<number> }> {
  const client = createClient({
    url: `${urls[replica]!.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { sessionToken: token },
    lazy: false,
    retryAttempts: 0,
    // The close is what these tests wait for, not an error to report.
    onNonLazyError: () => undefined,
  });
  const closed = new Promise<number>((resolve) =>
    client.on('closed', (event) => resolve(Number((event as { code?: number }).code))),
  );
  await new Promise<void>((resolve) => client.on('connected', () => resolve()));
  return { client, closed };
}

describe('logout', () => {
  it('POST /api/auth/logout on one replica ends the session on every replica and closes its sockets', async () => {
    const token = await login('lou');
    // Both replicas have validated (and cached) the session, and each holds a socket of it.
    for (const replica of [0, 1]) expect(codeOf(await me(replica, token))).toBeUndefined();
    const sockets = [await openSocket(0, token), await openSocket(1, token)];
    const other = await login('otto');
    const bystander = await openSocket(1, other);

    const res = await fetch(`${urls[0]}/api/auth/logout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'logged_out' });

    expect(await Promise.all(sockets.map((s) => s.closed))).toEqual([4401, 4401]);
    for (const replica of [0, 1]) expect(codeOf(await me(replica, token))).toBe('UNAUTHENTICATED');
    const validate = await fetch(`${urls[1]}/api/auth/validate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ session_token: token }),
    });
    expect(validate.status).toBe(401);
    // A new socket with the revoked session is refused.
    const again = wsClient(urls[1]!, { sessionToken: token });
    const refused = await collect(again, '{ health }');
    expect(Number((refused.error as { code?: number }).code)).toBe(4401);
    await again.dispose();

    // Other sessions are untouched.
    const alive = await collect(bystander.client, '{ executions { totalCount } }');
    expect(alive.error).toBeUndefined();
    expect(codeOf(await me(0, other))).toBeUndefined();
    await bystander.client.dispose();
    for (const s of sockets) await s.client.dispose();

    // Logging out twice: the session is gone.
    const twice = await fetch(`${urls[1]}/api/auth/logout`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ session_token: token }),
    });
    expect(twice.status).toBe(401);
  }, 60_000);

  it('the GraphQL logout mutation ends the session on the other replica too', async () => {
    const token = await login('gwen');
    for (const replica of [0, 1]) expect(codeOf(await me(replica, token))).toBeUndefined();
    const socket = await openSocket(0, token);
    const res = await postGraphQL<{ logout: { success: boolean } }>(
      `${urls[1]}/graphql`,
      'mutation { logout { success message } }',
      undefined,
      { authorization: `Bearer ${token}` },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.logout.success).toBe(true);
    expect(await socket.closed).toBe(4401);
    await socket.client.dispose();
    for (const replica of [0, 1]) expect(codeOf(await me(replica, token))).toBe('UNAUTHENTICATED');
    const anonymous = await postGraphQL(`${urls[0]}/graphql`, 'mutation { logout { success } }');
    expect(codeOf(anonymous)).toBe('UNAUTHENTICATED');
  }, 60_000);

  it('logout needs a session token', async () => {
    const res = await fetch(`${urls[0]}/api/auth/logout`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/session_token/);
  });
});
