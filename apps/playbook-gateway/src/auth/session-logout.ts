import type { Logger } from '@switchyard/service-kit';
import type { NatsLink } from '../events/nats-link.js';
import type { AuthPlaybooks } from './auth-playbooks.js';
import type { AuthUser } from './auth-results.js';
import { publishRevocation } from './session-revocations.js';

export type LogoutOutcome =
  | { revoked: true; user: AuthUser | null; message: string; broadcast: boolean }
  | { revoked: false; message: string };

/**
 * Logout: revokes the session in the engine, applies the revocation in this replica at once, then announces it
 * on NATS so every other replica does the same. Throws an UpstreamError when the engine could not answer.
 */
export class SessionLogout {
  constructor(
    private readonly deps: {
      auth: Pick<AuthPlaybooks, 'logout'>;
      nats: NatsLink;
      subject: string;
      logger: Logger;
      /** Drops the session from this replica's caches and closes its sockets. */
      applyLocally: (tokenHash: string) => void;
    },
  ) {}

  async logout(sessionToken: string): Promise<LogoutOutcome> {
    const result = await this.deps.auth.logout(sessionToken);
    if (!result.revoked || !result.token_hash)
      return { revoked: false, message: result.message ?? 'session not found' };
    this.deps.applyLocally(result.token_hash);
    let broadcast = false;
    try {
      publishRevocation(this.deps.nats.require(), this.deps.subject, result.token_hash);
      broadcast = true;
    } catch (error) {
      // Other replicas then stop trusting their cached validation within SESSION_CACHE_TTL_MS.
      this.deps.logger.warn({ err: error }, 'cannot broadcast a session revocation');
    }
    return {
      revoked: true,
      user: result.user ?? null,
      message: result.message ?? 'session revoked',
      broadcast,
    };
  }
}
