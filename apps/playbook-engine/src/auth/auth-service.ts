import { createHash, randomBytes } from 'node:crypto';
import { errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { Database } from '../storage/database.js';
import { iso } from '../storage/database.js';
import { decideAccess, type PermissionRule } from './patterns.js';

export interface AuthUser {
  user_id: string;
  email: string | null;
  display_name: string | null;
}

export interface AuthSettings {
  issuer?: string;
  audience?: string;
  /** Key source for token signatures; undefined when authentication is not configured. */
  keys?: JWTVerifyGetKey;
  defaultRole: string;
  adminEmails: string[];
  defaultSessionHours: number;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Token-verification failures that mean "not authenticated" (as opposed to an engine fault). */
function rejectionMessage(error: unknown): string | undefined {
  if (error instanceof errors.JWTExpired) return 'token expired';
  if (error instanceof errors.JWTClaimValidationFailed)
    return `token claim "${error.claim}" is invalid: ${error.reason}`;
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'token signature is invalid';
  if (error instanceof errors.JWKSNoMatchingKey) return 'token is signed with an unknown key';
  if (
    error instanceof errors.JWSInvalid ||
    error instanceof errors.JWTInvalid ||
    error instanceof errors.JOSEAlgNotAllowed
  ) {
    return `token is malformed: ${(error as Error).message}`;
  }
  if (error instanceof errors.JOSENotSupported)
    return `token uses an unsupported algorithm: ${(error as Error).message}`;
  return undefined;
}

function optionalText(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim().slice(0, 512) : null;
}

/** Users, roles, sessions and playbook permissions in the engine's database. */
export class AuthService {
  constructor(
    private readonly db: Database,
    private readonly settings: AuthSettings,
  ) {}

  async login(input: {
    token: string;
    sessionDurationHours?: unknown;
    clientIp?: unknown;
    clientUserAgent?: unknown;
  }) {
    const fail = (message: string) => ({
      status: 'unauthenticated' as const,
      session_token: null,
      user: null,
      expires_at: null,
      message,
    });
    if (!this.settings.keys)
      return fail('authentication is not configured on the engine (AUTH_JWKS_URL or AUTH_DEV_ISSUER)');
    if (!input.token) return fail('auth0_token is required');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(input.token, this.settings.keys, {
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        requiredClaims: ['sub', 'exp'],
      }));
    } catch (error) {
      const message = rejectionMessage(error);
      if (message) return fail(message);
      throw new Error(`cannot verify the token: ${(error as Error).message}`);
    }
    const hours = Number(input.sessionDurationHours);
    const durationHours =
      Number.isFinite(hours) && hours > 0 ? Math.min(hours, 720) : this.settings.defaultSessionHours;
    const email = optionalText(payload.email);
    const displayName = optionalText(payload.name) ?? optionalText(payload.nickname) ?? email;
    const token = randomBytes(32).toString('base64url');
    const result = await this.db.transaction(async (tx) => {
      const users = await tx.query<{ user_id: string; email: string | null; display_name: string | null }>(
        `INSERT INTO auth_users (subject, email, display_name, last_login_at) VALUES ($1, $2, $3, now())
         ON CONFLICT (subject) DO UPDATE SET email = COALESCE(EXCLUDED.email, auth_users.email),
           display_name = COALESCE(EXCLUDED.display_name, auth_users.display_name), last_login_at = now()
         RETURNING user_id::text AS user_id, email, display_name`,
        [payload.sub, email, displayName],
      );
      const user = users[0]!;
      await tx.query(
        `INSERT INTO auth_user_roles (user_id, role_id)
         SELECT $1::bigint, role_id FROM auth_roles WHERE name = $2
           AND NOT EXISTS (SELECT 1 FROM auth_user_roles WHERE user_id = $1::bigint)`,
        [user.user_id, this.settings.defaultRole],
      );
      if (email && this.settings.adminEmails.includes(email.toLowerCase())) {
        await tx.query(
          `INSERT INTO auth_user_roles (user_id, role_id) SELECT $1::bigint, role_id FROM auth_roles WHERE name = 'admin'
           ON CONFLICT DO NOTHING`,
          [user.user_id],
        );
      }
      const sessions = await tx.query<{ expires_at: unknown }>(
        `INSERT INTO auth_sessions (token_hash, user_id, expires_at, client_ip, client_user_agent)
         VALUES ($1, $2::bigint, now() + ($3::float8 * interval '1 hour'), $4, $5) RETURNING expires_at`,
        [
          hashToken(token),
          user.user_id,
          durationHours,
          optionalText(input.clientIp),
          optionalText(input.clientUserAgent),
        ],
      );
      return { user, expiresAt: iso(sessions[0]!.expires_at)! };
    });
    return {
      status: 'authenticated' as const,
      session_token: token,
      user: result.user satisfies AuthUser,
      expires_at: result.expiresAt,
      message: 'authentication successful',
    };
  }

  async validateSession(sessionToken: string) {
    if (!sessionToken)
      return { valid: false, user: null, expires_at: null, message: 'session_token is required' };
    const rows = await this.db.query<
      AuthUser & { expires_at: unknown; revoked_at: unknown; expired: boolean }
    >(
      `SELECT u.user_id::text AS user_id, u.email, u.display_name, s.expires_at, s.revoked_at, s.expires_at <= now() AS expired
       FROM auth_sessions s JOIN auth_users u ON u.user_id = s.user_id WHERE s.token_hash = $1`,
      [hashToken(sessionToken)],
    );
    const row = rows[0];
    if (!row) return { valid: false, user: null, expires_at: null, message: 'session not found' };
    if (row.revoked_at)
      return { valid: false, user: null, expires_at: iso(row.expires_at), message: 'session revoked' };
    if (row.expired)
      return { valid: false, user: null, expires_at: iso(row.expires_at), message: 'session expired' };
    const user: AuthUser = { user_id: row.user_id, email: row.email, display_name: row.display_name };
    return { valid: true, user, expires_at: iso(row.expires_at), message: 'session is valid' };
  }

  /**
   * Revokes a session at once: it stops validating on every engine and gateway that asks afterwards. Answers
   * the token's SHA-256 (what the gateways broadcast and match on) and never the token.
   */
  async logout(sessionToken: string) {
    if (!sessionToken)
      return { revoked: false, token_hash: null, user: null, message: 'session_token is required' };
    const tokenHash = hashToken(sessionToken);
    const rows = await this.db.query<AuthUser>(
      `WITH done AS (UPDATE auth_sessions SET revoked_at = now() WHERE token_hash = $1 AND revoked_at IS NULL
                     RETURNING user_id)
       SELECT u.user_id::text AS user_id, u.email, u.display_name FROM done d JOIN auth_users u ON u.user_id = d.user_id`,
      [tokenHash],
    );
    const row = rows[0];
    if (!row) {
      const known = await this.db.query('SELECT 1 FROM auth_sessions WHERE token_hash = $1', [tokenHash]);
      const message = known.length ? 'session already revoked' : 'session not found';
      return { revoked: false, token_hash: null, user: null, message };
    }
    const user: AuthUser = { user_id: row.user_id, email: row.email, display_name: row.display_name };
    return { revoked: true, token_hash: tokenHash, user, message: 'session revoked' };
  }

  async checkAccess(sessionToken: string, playbookPath: string, permissionType: string) {
    const session = await this.validateSession(sessionToken);
    const base = { playbook_path: playbookPath, permission_type: permissionType };
    if (!session.valid || !session.user) {
      return { allowed: false, user: null, ...base, message: `invalid session: ${session.message}` };
    }
    if (!playbookPath)
      return { allowed: false, user: session.user, ...base, message: 'playbook_path is required' };
    const admin = await this.db.query(
      `SELECT 1 FROM auth_user_roles ur JOIN auth_roles r ON r.role_id = ur.role_id WHERE ur.user_id = $1::bigint AND r.name = 'admin'`,
      [session.user.user_id],
    );
    if (admin.length > 0)
      return { allowed: true, user: session.user, ...base, message: 'the admin role allows everything' };
    const rules = await this.db.query<PermissionRule>(
      `SELECT p.playbook_path, p.permission_type, p.allow FROM auth_playbook_permissions p
       JOIN auth_user_roles ur ON ur.role_id = p.role_id WHERE ur.user_id = $1::bigint`,
      [session.user.user_id],
    );
    const decision = decideAccess(rules, playbookPath, permissionType);
    return { allowed: decision.allowed, user: session.user, ...base, message: decision.message };
  }
}
