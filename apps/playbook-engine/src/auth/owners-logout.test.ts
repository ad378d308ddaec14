import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT, type CryptoKey } from 'jose';
import { startNats, waitFor, type TestNats } from '@switchyard/testing';
import { openPglite, type Database } from '../storage/database.js';
import { startEngine, yaml, type RunningEngine } from '../test-fixtures/harness.js';
import { LOCAL_JWKS_KID, startLocalJwks, type LocalJwks } from '../test-fixtures/local-jwks.js';

/** Logout (the auth0_logout playbook), the view_all / admin permission types, and created_by on executions. */

let nats: TestNats;
let db: Database;
let eng: RunningEngine;
let jwks: LocalJwks;
let signingKey: CryptoKey;

beforeAll(async () => {
  jwks = await startLocalJwks();
  signingKey = jwks.signingKey;
  [nats, db] = await Promise.all([startNats(), openPglite(':memory:')]);
  eng = await startEngine({
    natsUrl: nats.url,
    database: db,
    env: {
      ...jwks.authEnv,
      AUTH_ADMIN_EMAILS: 'boss@example.com',
    },
  });
});

afterAll(async () => {
  await eng?.stop();
  await db?.close();
  await nats?.stop();
  await jwks?.close();
});

async function login(
  sub: string,
  email: string,
): Promise<{ session_token: string; user: { user_id: string } }> {
  const now = Math.floor(Date.now() / 1000);
  const jwt = await new SignJWT({ email, name: sub })
    .setProtectedHeader({ alg: 'RS256', kid: LOCAL_JWKS_KID })
    .setSubject(sub)
    .setIssuer(jwks.issuer)
    .setAudience(jwks.audience)
    .setIssuedAt(now - 60)
    .setExpirationTime(now + 3600)
    .sign(signingKey);
  const result = await runAuth('auth0_login', { auth0_token: jwt });
  expect(result.status).toBe('authenticated');
  return result as unknown as { session_token: string; user: { user_id: string } };
}

async function runAuth(name: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
  const outcome = await eng.client.runSync({ path: `api_integration/auth0/${name}`, args });
  expect(outcome.error ?? outcome.status).toBe('COMPLETED');
  return outcome.result as Record<string, unknown>;
}

describe('auth0_logout', () => {
  it('revokes the session at once and answers the hash of its token, not the token', async () => {
    const { session_token } = await login('auth0|lou', 'lou@example.com');
    expect(await runAuth('auth0_validate_session', { session_token })).toMatchObject({ valid: true });
    const out = await runAuth('auth0_logout', { session_token });
    expect(out).toMatchObject({
      revoked: true,
      token_hash: createHash('sha256').update(session_token).digest('hex'),
      user: { email: 'lou@example.com' },
    });
    expect(JSON.stringify(out)).not.toContain(session_token);
    expect(await runAuth('auth0_validate_session', { session_token })).toMatchObject({
      valid: false,
      message: 'session revoked',
    });
    expect(
      await runAuth('check_playbook_access', {
        session_token,
        playbook_path: 'examples/x',
        permission_type: 'view',
      }),
    ).toMatchObject({ allowed: false, user: null });
    expect(await runAuth('auth0_logout', { session_token })).toMatchObject({
      revoked: false,
      token_hash: null,
      message: 'session already revoked',
    });
    expect(await runAuth('auth0_logout', { session_token: 'y'.repeat(43) })).toMatchObject({
      revoked: false,
      message: 'session not found',
    });
  });
});

describe('view_all and admin', () => {
  it('are granted to the admin role and not to the default role', async () => {
    const user = await login('auth0|uma', 'uma@example.com');
    const boss = await login('auth0|boss', 'boss@example.com');
    for (const permission_type of ['view_all', 'admin']) {
      const denied = await runAuth('check_playbook_access', {
        session_token: user.session_token,
        playbook_path: 'examples/hello_world',
        permission_type,
      });
      expect(denied, permission_type).toMatchObject({ allowed: false });
      const allowed = await runAuth('check_playbook_access', {
        session_token: boss.session_token,
        playbook_path: '*',
        permission_type,
      });
      expect(allowed, permission_type).toMatchObject({ allowed: true });
    }
    const seeded = await db.query<{ permission_type: string }>(
      `SELECT p.permission_type FROM auth_playbook_permissions p JOIN auth_roles r ON r.role_id = p.role_id
       WHERE r.name = 'admin' AND p.permission_type IN ('view_all', 'admin') ORDER BY 1`,
    );
    expect(seeded.map((r) => r.permission_type)).toEqual(['admin', 'view_all']);
  });
});

describe('created_by', () => {
  it('is recorded on executions, inherited by child executions, and filters lists and counts', async () => {
    await eng.client.registerPlaybook(yaml`
      apiVersion: noetl.io/v2
      kind: Playbook
      metadata: { name: owned_child, path: t/owned_child }
      workflow:
        - step: start
    `);
    await eng.client.registerPlaybook(yaml`
      apiVersion: noetl.io/v2
      kind: Playbook
      metadata: { name: owned, path: t/owned }
      workflow:
        - step: start
          next: child
        - step: child
          tool: { kind: playbook, path: t/owned_child }
          next: end
        - step: end
    `);
    const mine = await eng.client.runPlaybook({ path: 't/owned', created_by: '41' });
    const theirs = await eng.client.runPlaybook({ path: 't/owned', created_by: '42' });
    const anonymous = await eng.client.runPlaybook({ path: 't/owned' });
    await waitFor('runs to end', async () => {
      const page = await eng.client.listExecutions({ path: 't/owned', status: 'COMPLETED' });
      return page.total === 3;
    });
    const detail = await eng.client.getExecution(mine.execution_id);
    expect(detail.created_by).toBe('41');
    expect((await eng.client.getExecution(anonymous.execution_id)).created_by).toBeNull();

    const own = await eng.client.listExecutions({ path: 't/owned', created_by: '41' });
    expect(own.total).toBe(1);
    expect(own.executions.map((e) => e.execution_id)).toEqual([mine.execution_id]);
    const children = await eng.client.listExecutions({ parent_execution_id: theirs.execution_id });
    expect(children.executions.map((e) => e.created_by)).toEqual(['42']);
    const everything = await eng.client.listExecutions({ created_by: '41' });
    expect(everything.total).toBe(2); // the run and its child
    const refused = await fetch(`${eng.url}/api/executions?created_by=${encodeURIComponent("x' OR 1=1")}`, {
      headers: eng.headers,
    });
    // A query that does not validate: FastAPI's 422, as on every NoETL route.
    expect(refused.status).toBe(422);
  });
});
