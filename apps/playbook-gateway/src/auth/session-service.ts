import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { AccessResult, AuthUser, PermissionType, ValidateResult } from './auth-results.js';

/** What the session service needs from the engine's auth playbooks. */
export interface SessionBackend {
  validateSession(sessionToken: string): Promise<ValidateResult>;
  checkAccess(
    sessionToken: string,
    playbookPath: string,
    permissionType: PermissionType,
  ): Promise<AccessResult>;
}

export interface Session {
  token: string;
  /** SHA-256 hex of the token: how revocations name a session. */
  tokenHash: string;
  user: AuthUser;
  expiresAt: string | null;
}

/** SHA-256 hex of a session token, as the engine stores it and revocations carry it. */
export function sessionTokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export type SessionCheck = { valid: true; session: Session } | { valid: false; reason: string };

export interface AccessDecision {
  allowed: boolean;
  message: string;
}

export interface SessionServiceOptions {
  /** How long a validated session (and an access decision) is trusted without asking the engine; 0 disables caching. */
  ttlMs: number;
  /** Most cached sessions (and, separately, access decisions). */
  max: number;
  onCache?: (kind: 'session' | 'access', outcome: 'hit' | 'miss') => void;
  now?: () => number;
}

interface Cached<T> {
  value: T;
  until: number;
  tokenHash: string;
}

function key(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('base64url');
}

/**
 * Validates session tokens and checks playbook access through the engine, with a bounded LRU cache in front.
 * Only successful validations are cached; a rejected token or a failed call is asked again next time.
 * Concurrent checks of the same token share one engine call. A cached session never outlives its expiry.
 */
export class SessionService {
  private readonly sessions: LRUCache<string, Cached<Session>>;
  private readonly decisions: LRUCache<string, Cached<AccessDecision>>;
  private readonly inflight = new Map<string, Promise<unknown>>();
  /** Sessions revoked while this gateway runs (by token hash): refused here even if an engine answer was in flight. */
  private readonly revoked: LRUCache<string, true>;
  private readonly now: () => number;

  constructor(
    private readonly backend: SessionBackend,
    private readonly options: SessionServiceOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.sessions = new LRUCache({ max: options.max });
    this.decisions = new LRUCache({ max: options.max });
    this.revoked = new LRUCache({ max: options.max });
  }

  private get caching(): boolean {
    return this.options.ttlMs > 0;
  }

  private shared<T>(k: string, run: () => Promise<T>): Promise<T> {
    const existing = this.inflight.get(k) as Promise<T> | undefined;
    if (existing) return existing;
    const promise = run().finally(() => this.inflight.delete(k));
    this.inflight.set(k, promise);
    return promise;
  }

  /** Validates a session token. Throws (an UpstreamError) when the engine could not answer. */
  async validate(token: string): Promise<SessionCheck> {
    const k = key('s', token);
    const tokenHash = sessionTokenHash(token);
    if (this.revoked.has(tokenHash)) return { valid: false, reason: 'session revoked' };
    if (this.caching) {
      const cached = this.fresh(this.sessions, k);
      if (cached) {
        this.options.onCache?.('session', 'hit');
        return { valid: true, session: cached };
      }
      this.options.onCache?.('session', 'miss');
    }
    return this.shared(k, async () => {
      const result = await this.backend.validateSession(token);
      if (!result.valid || !result.user) return { valid: false, reason: result.message ?? 'invalid session' };
      if (this.revoked.has(tokenHash)) return { valid: false, reason: 'session revoked' };
      const session: Session = { token, tokenHash, user: result.user, expiresAt: result.expires_at ?? null };
      if (this.expired(session)) return { valid: false, reason: 'session expired' };
      if (this.caching) this.sessions.set(k, { value: session, until: this.until(session), tokenHash });
      return { valid: true, session };
    });
  }

  /** Asks whether the session may `permission` the playbook at `path`. Throws when the engine could not answer. */
  async checkAccess(session: Session, path: string, permission: PermissionType): Promise<AccessDecision> {
    const k = key('a', session.token, path, permission);
    if (this.caching) {
      const cached = this.fresh(this.decisions, k);
      if (cached) {
        this.options.onCache?.('access', 'hit');
        return cached;
      }
      this.options.onCache?.('access', 'miss');
    }
    return this.shared(k, async () => {
      const result = await this.backend.checkAccess(session.token, path, permission);
      const decision: AccessDecision = {
        allowed: result.allowed,
        message: result.message ?? (result.allowed ? 'allowed' : `${permission} on ${path} is not allowed`),
      };
      // A denial caused by an invalid session is not a stable answer about the path: do not keep it.
      if (this.caching && (result.allowed || result.user) && !this.revoked.has(session.tokenHash))
        this.decisions.set(k, { value: decision, until: this.until(session), tokenHash: session.tokenHash });
      return decision;
    });
  }

  /** Forgets a token (e.g. after the engine reported it invalid). */
  forget(token: string): void {
    this.sessions.delete(key('s', token));
  }

  /**
   * A session was revoked (here or on another replica): drop its cached validation and access decisions and
   * refuse it from now on without asking the engine.
   */
  revoke(tokenHash: string): void {
    this.revoked.set(tokenHash, true);
    for (const cache of [this.sessions, this.decisions] as Array<LRUCache<string, Cached<unknown>>>) {
      const doomed: string[] = [];
      cache.forEach((entry, k) => {
        if (entry.tokenHash === tokenHash) doomed.push(k);
      });
      for (const k of doomed) cache.delete(k);
    }
  }

  isRevoked(tokenHash: string): boolean {
    return this.revoked.has(tokenHash);
  }

  get size(): { sessions: number; decisions: number } {
    return { sessions: this.sessions.size, decisions: this.decisions.size };
  }

  private expired(session: Session): boolean {
    if (!session.expiresAt) return false;
    const at = Date.parse(session.expiresAt);
    return Number.isFinite(at) && at <= this.now();
  }

  /** When a cache entry for this session stops being trusted: after the TTL, and never past the session's expiry. */
  private until(session: Session): number {
    const at = session.expiresAt ? Date.parse(session.expiresAt) : Number.NaN;
    const byTtl = this.now() + this.options.ttlMs;
    return Number.isFinite(at) ? Math.min(byTtl, at) : byTtl;
  }

  private fresh<T>(cache: LRUCache<string, Cached<T>>, k: string): T | undefined {
    const entry = cache.get(k);
    if (!entry) return undefined;
    if (entry.until <= this.now()) {
      cache.delete(k);
      return undefined;
    }
    return entry.value;
  }
}
