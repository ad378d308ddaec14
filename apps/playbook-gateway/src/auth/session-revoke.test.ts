import { describe, expect, it } from 'vitest';
import type { AccessResult, ValidateResult } from './auth-results.js';
import { SessionService, sessionTokenHash, type SessionBackend } from './session-service.js';

/** A backend that always says yes, counting calls, and can hold its answers until released. */
class YesBackend implements SessionBackend {
  validations = 0;
  accessChecks = 0;
  hold: Promise<void> | undefined;

  async validateSession(): Promise<ValidateResult> {
    this.validations++;
    if (this.hold) await this.hold;
    return {
      valid: true,
      user: { user_id: '7', email: null, display_name: null },
      expires_at: null,
      message: 'ok',
    };
  }

  async checkAccess(): Promise<AccessResult> {
    this.accessChecks++;
    return { allowed: true, user: { user_id: '7', email: null, display_name: null } };
  }
}

describe('SessionService.revoke', () => {
  it('drops the cached session and its access decisions and refuses the token afterwards', async () => {
    const backend = new YesBackend();
    const service = new SessionService(backend, { ttlMs: 600_000, max: 100 });
    const check = await service.validate('tok-a');
    const other = await service.validate('tok-b');
    if (!check.valid || !other.valid) throw new Error('expected valid sessions');
    expect(check.session.tokenHash).toBe(sessionTokenHash('tok-a'));
    await service.checkAccess(check.session, 'p', 'view');
    await service.checkAccess(other.session, 'p', 'view');
    expect(service.size).toEqual({ sessions: 2, decisions: 2 });

    service.revoke(sessionTokenHash('tok-a'));
    expect(service.size).toEqual({ sessions: 1, decisions: 1 });
    expect(await service.validate('tok-a')).toEqual({ valid: false, reason: 'session revoked' });
    expect(backend.validations).toBe(2);
    expect((await service.validate('tok-b')).valid).toBe(true);
    expect(service.isRevoked(sessionTokenHash('tok-a'))).toBe(true);
    expect(service.isRevoked(sessionTokenHash('tok-b'))).toBe(false);
  });

  it('does not cache a validation that was in flight when the session was revoked', async () => {
    const backend = new YesBackend();
    const service = new SessionService(backend, { ttlMs: 600_000, max: 100 });
    let release!: () => void;
    backend.hold = new Promise((r) => (release = r));
    const pending = service.validate('tok-c');
    service.revoke(sessionTokenHash('tok-c'));
    release();
    expect(await pending).toEqual({ valid: false, reason: 'session revoked' });
    expect(service.size.sessions).toBe(0);
  });
});
