import { describe, expect, it } from 'vitest';
import type { AccessResult, PermissionType, ValidateResult } from './auth-results.js';
import { SessionService, type SessionBackend } from './session-service.js';

/** An in-process auth backend with a table of sessions, counting how often it is asked. */
class SessionTable implements SessionBackend {
  calls = { validate: 0, access: 0 };
  failNext = false;
  readonly sessions = new Map<string, { expiresAt: number; allowed: string[] }>();
  constructor(private readonly clock: { now: number }) {}

  async validateSession(token: string): Promise<ValidateResult> {
    this.calls.validate++;
    await new Promise((r) => setImmediate(r));
    if (this.failNext) {
      this.failNext = false;
      throw new Error('engine down');
    }
    const s = this.sessions.get(token);
    if (!s) return { valid: false, user: null, expires_at: null, message: 'session not found' };
    const user = { user_id: '1', email: 'a@example.com', display_name: 'A' };
    return { valid: true, user, expires_at: new Date(s.expiresAt).toISOString(), message: 'ok' };
  }

  async checkAccess(token: string, path: string, permission: PermissionType): Promise<AccessResult> {
    this.calls.access++;
    const s = this.sessions.get(token);
    const user = s ? { user_id: '1', email: null, display_name: null } : null;
    return {
      allowed: !!s?.allowed.includes(`${permission}:${path}`),
      user,
      playbook_path: path,
      permission_type: permission,
    };
  }
}

function setup(ttlMs = 1_000, max = 100) {
  const clock = { now: Date.parse('2030-01-01T00:00:00Z') };
  const table = new SessionTable(clock);
  const hits: string[] = [];
  const service = new SessionService(table, {
    ttlMs,
    max,
    now: () => clock.now,
    onCache: (k, o) => hits.push(`${k}:${o}`),
  });
  return { clock, table, service, hits };
}

describe('SessionService', () => {
  it('caches a valid session for the TTL, then asks again', async () => {
    const { clock, table, service, hits } = setup(1_000);
    table.sessions.set('good', { expiresAt: clock.now + 3_600_000, allowed: [] });
    expect((await service.validate('good')).valid).toBe(true);
    expect((await service.validate('good')).valid).toBe(true);
    expect(table.calls.validate).toBe(1);
    expect(hits).toEqual(['session:miss', 'session:hit']);
    clock.now += 1_001;
    await service.validate('good');
    expect(table.calls.validate).toBe(2);
  });

  it('never caches a rejected token or a failed call', async () => {
    const { clock, table, service } = setup();
    expect(await service.validate('unknown')).toEqual({ valid: false, reason: 'session not found' });
    expect(await service.validate('unknown')).toEqual({ valid: false, reason: 'session not found' });
    expect(table.calls.validate).toBe(2);
    table.sessions.set('good', { expiresAt: clock.now + 3_600_000, allowed: [] });
    table.failNext = true;
    await expect(service.validate('good')).rejects.toThrow('engine down');
    expect((await service.validate('good')).valid).toBe(true);
    expect(table.calls.validate).toBe(4);
  });

  it('shares one engine call between concurrent checks of a token', async () => {
    const { clock, table, service } = setup();
    table.sessions.set('good', { expiresAt: clock.now + 3_600_000, allowed: [] });
    const results = await Promise.all(Array.from({ length: 20 }, () => service.validate('good')));
    expect(results.every((r) => r.valid)).toBe(true);
    expect(table.calls.validate).toBe(1);
  });

  it('does not keep a session past its expiry even when the TTL is longer', async () => {
    const { clock, table, service } = setup(60_000);
    table.sessions.set('short', { expiresAt: clock.now + 500, allowed: [] });
    expect((await service.validate('short')).valid).toBe(true);
    clock.now += 600;
    table.sessions.delete('short');
    expect(await service.validate('short')).toEqual({ valid: false, reason: 'session not found' });
    expect(table.calls.validate).toBe(2);
  });

  it('caches access decisions per token, path and permission', async () => {
    const { clock, table, service } = setup();
    table.sessions.set('good', { expiresAt: clock.now + 3_600_000, allowed: ['view:a/b'] });
    const check = await service.validate('good');
    if (!check.valid) throw new Error('expected a valid session');
    expect((await service.checkAccess(check.session, 'a/b', 'view')).allowed).toBe(true);
    expect((await service.checkAccess(check.session, 'a/b', 'view')).allowed).toBe(true);
    expect((await service.checkAccess(check.session, 'a/b', 'execute')).allowed).toBe(false);
    expect(table.calls.access).toBe(2);
  });

  it('is bounded (LRU) and can be switched off with a TTL of 0', async () => {
    const bounded = setup(10_000, 2);
    for (const t of ['t1', 't2', 't3'])
      bounded.table.sessions.set(t, { expiresAt: bounded.clock.now + 3_600_000, allowed: [] });
    for (const t of ['t1', 't2', 't3']) await bounded.service.validate(t);
    expect(bounded.service.size.sessions).toBe(2);
    await bounded.service.validate('t1'); // evicted first, so asked again
    expect(bounded.table.calls.validate).toBe(4);

    const off = setup(0);
    off.table.sessions.set('good', { expiresAt: off.clock.now + 3_600_000, allowed: [] });
    await off.service.validate('good');
    await off.service.validate('good');
    expect(off.table.calls.validate).toBe(2);
  });
});
