import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NatsConnection } from '@nats-io/transport-node';
import { generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { waitForTerminalEvent } from '@switchyard/execution-events';
import type { TestNats } from '@switchyard/testing';
import type { Database } from '../storage/database.js';
import { startEngine, type RunningEngine } from '../test-fixtures/harness.js';
import { startEngineOnPglite, type EngineOnPglite } from '../test-fixtures/pglite-engine.js';
import { LOCAL_JWKS_KID, startLocalJwks, type LocalJwks } from '../test-fixtures/local-jwks.js';
import { decideAccess, pathMatches } from './patterns.js';

let nats: TestNats;
let nc: NatsConnection;
let db: Database;
let eng: RunningEngine;
let stack: EngineOnPglite;
let jwks: LocalJwks;
let signingKey: CryptoKey;
let jwksHits = 0;

beforeAll(async () => {
  jwks = await startLocalJwks(() => jwksHits++);
  signingKey = jwks.signingKey;
  stack = await startEngineOnPglite({ ...jwks.authEnv, AUTH_ADMIN_EMAILS: 'boss@example.com' });
  ({ nats, nc, db, eng } = stack);
});

afterAll(async () => {
  await stack?.stop();
  await jwks?.close();
});

function token(
  claims: { sub?: string; email?: string; name?: string; aud?: string; expSeconds?: number },
  key: CryptoKey = signingKey,
) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ email: claims.email ?? 'ada@example.com', name: claims.name ?? 'Ada' })
    .setProtectedHeader({ alg: 'RS256', kid: LOCAL_JWKS_KID })
    .setSubject(claims.sub ?? 'auth0|ada')
    .setIssuer(jwks.issuer)
    .setAudience(claims.aud ?? jwks.audience)
    .setIssuedAt(now - 120)
    .setExpirationTime(now + (claims.expSeconds ?? 3600))
    .sign(key);
}

/**
 * Runs an auth playbook through POST /api/run/sync and returns its result; checks that what the engine published
 * and stored for that execution (terminal event on NATS, execution record, event log) holds no session token.
 */
async function runAuth(path: string, args: Record<string, unknown>, engine: RunningEngine = eng) {
  const outcome = await engine.client.runSync({ path: `api_integration/auth0/${path}`, args });
  expect(outcome.error ?? outcome.status).toBe('COMPLETED');
  const result = outcome.result as Record<string, unknown>;
  const terminal = await waitForTerminalEvent(nc, outcome.execution_id, { timeoutMs: 20_000 });
  const stored = await engine.client.getExecution(outcome.execution_id);
  const visible = JSON.stringify([terminal, stored]);
  for (const secret of [args.session_token, args.auth0_token, result.session_token]) {
    if (typeof secret === 'string' && secret.length > 8) expect(visible).not.toContain(secret);
  }
  return result;
}

describe('permission patterns', () => {
  it('matches exact paths and globs; deny wins over allow; no rule denies', () => {
    expect(pathMatches('reports/*', 'reports/daily')).toBe(true);
    expect(pathMatches('reports/*', 'report')).toBe(false);
    expect(pathMatches('a.b', 'axb')).toBe(false);
    const rules = [
      { playbook_path: 'reports/*', permission_type: 'execute', allow: true },
      { playbook_path: 'reports/secret*', permission_type: '*', allow: false },
    ];
    expect(decideAccess(rules, 'reports/daily', 'execute').allowed).toBe(true);
    expect(decideAccess(rules, 'reports/secret_plan', 'execute')).toMatchObject({
      allowed: false,
      message: expect.stringMatching(/denied/),
    });
    expect(decideAccess(rules, 'reports/daily', 'view').allowed).toBe(false);
  });
});

describe('auth playbooks against a local JWKS', () => {
  it('logs in with a valid token, validates the session, and stores only the token hash', async () => {
    const login = await runAuth('auth0_login', {
      auth0_token: await token({}),
      session_duration_hours: 2,
      client_ip: '10.0.0.1',
    });
    expect(login).toMatchObject({
      status: 'authenticated',
      user: { email: 'ada@example.com', display_name: 'Ada' },
      session_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });
    const expiresIn = Date.parse(login.expires_at as string) - Date.now();
    expect(expiresIn).toBeGreaterThan(3600_000);
    expect(expiresIn).toBeLessThanOrEqual(2 * 3600_000);
    const stored = await db.query<{ token_hash: string }>('SELECT token_hash FROM auth_sessions');
    expect(stored.map((r) => r.token_hash)).not.toContain(login.session_token);
    expect(jwksHits).toBeGreaterThan(0);

    const valid = await runAuth('auth0_validate_session', { session_token: login.session_token });
    expect(valid).toMatchObject({ valid: true, user: login.user, expires_at: login.expires_at });

    // Logging in again keeps the same user.
    const again = await runAuth('auth0_login', { auth0_token: await token({ name: 'Ada L.' }) });
    expect((again.user as { user_id: string }).user_id).toBe((login.user as { user_id: string }).user_id);
  });

  it('rejects expired, wrong-audience and forged tokens without failing the playbook', async () => {
    const expired = await runAuth('auth0_login', { auth0_token: await token({ expSeconds: -60 }) });
    expect(expired).toMatchObject({
      status: 'unauthenticated',
      session_token: null,
      message: 'token expired',
    });
    const audience = await runAuth('auth0_login', { auth0_token: await token({ aud: 'someone-else' }) });
    expect(audience).toMatchObject({ status: 'unauthenticated', message: expect.stringMatching(/"aud"/) });
    const other = await generateKeyPair('RS256');
    const forged = await runAuth('auth0_login', { auth0_token: await token({}, other.privateKey) });
    expect(forged).toMatchObject({ status: 'unauthenticated', message: 'token signature is invalid' });
    const garbage = await runAuth('auth0_login', { auth0_token: 'not-a-jwt' });
    expect(garbage).toMatchObject({ status: 'unauthenticated', message: expect.stringMatching(/malformed/) });
  });

  it('reports unknown and expired sessions as invalid', async () => {
    const unknown = await runAuth('auth0_validate_session', { session_token: 'x'.repeat(43) });
    expect(unknown).toEqual({ valid: false, user: null, expires_at: null, message: 'session not found' });
    const login = await runAuth('auth0_login', { auth0_token: await token({ sub: 'auth0|short' }) });
    await db.query(
      "UPDATE auth_sessions SET expires_at = now() - interval '1 minute' WHERE user_id = $1::bigint",
      [(login.user as { user_id: string }).user_id],
    );
    const expired = await runAuth('auth0_validate_session', { session_token: login.session_token });
    expect(expired).toMatchObject({ valid: false, message: 'session expired' });
  });

  it('checks playbook access: default role, deny pattern wins over allow, admins, invalid sessions', async () => {
    const login = await runAuth('auth0_login', {
      auth0_token: await token({ sub: 'auth0|bob', email: 'bob@example.com' }),
    });
    const session = login.session_token as string;
    const check = (playbook_path: string, permission_type: string, session_token = session) =>
      runAuth('check_playbook_access', { session_token, playbook_path, permission_type });

    expect(await check('examples/hello_world', 'execute')).toMatchObject({
      allowed: true,
      playbook_path: 'examples/hello_world',
      permission_type: 'execute',
    });
    expect(await check('finance/report', 'view')).toMatchObject({ allowed: true });
    expect(await check('finance/report', 'execute')).toMatchObject({
      allowed: false,
      message: expect.stringMatching(/no permission/),
    });
    expect(await check('api_integration/auth0/auth0_login', 'view')).toMatchObject({
      allowed: false,
      message: expect.stringMatching(/denied/),
    });

    await db.query(
      `INSERT INTO auth_playbook_permissions (role_id, playbook_path, permission_type, allow)
       SELECT role_id, p, 'execute', a FROM auth_roles, (VALUES ('finance/*', true), ('finance/payroll*', false)) AS v(p, a) WHERE name = 'user'`,
    );
    expect(await check('finance/report', 'execute')).toMatchObject({ allowed: true });
    expect(await check('finance/payroll_run', 'execute')).toMatchObject({
      allowed: false,
      message: expect.stringMatching(/denied by pattern "finance\/payroll\*"/),
    });

    const boss = await runAuth('auth0_login', {
      auth0_token: await token({ sub: 'auth0|boss', email: 'boss@example.com' }),
    });
    expect(await check('finance/payroll_run', 'execute', boss.session_token as string)).toMatchObject({
      allowed: true,
    });

    expect(await check('examples/hello_world', 'execute', 'bogus')).toMatchObject({
      allowed: false,
      user: null,
      message: expect.stringMatching(/invalid session/),
    });
  });

  it('dev mode signs its own tokens', async () => {
    const dev = await startEngine({ natsUrl: nats.url, database: db, env: { AUTH_DEV_ISSUER: 'true' } });
    try {
      const minted = await dev.client.devToken({
        sub: 'dev|carol',
        email: 'carol@example.com',
        name: 'Carol',
      });
      expect(minted.audience).toBe('switchyard');
      const login = await runAuth('auth0_login', { auth0_token: minted.token }, dev);
      expect(login).toMatchObject({ status: 'authenticated', user: { email: 'carol@example.com' } });
      const res = await fetch(`${dev.url}/api/auth/dev/jwks.json`);
      expect(((await res.json()) as { keys: unknown[] }).keys).toHaveLength(1);
    } finally {
      await dev.stop();
    }
    // Without dev mode the endpoint does not exist.
    expect(
      (await fetch(`${eng.url}/api/auth/dev/token`, { method: 'POST', headers: eng.headers })).status,
    ).toBe(404);
  });
});
