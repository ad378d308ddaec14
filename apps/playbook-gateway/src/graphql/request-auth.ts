import DataLoader from 'dataloader';
import { AUTH_PLAYBOOK_PATHS, type PermissionType } from '../auth/auth-results.js';
import type { FoundToken } from '../auth/session-token.js';
import type { AccessDecision, Session, SessionService } from '../auth/session-service.js';
import { gatewayError, toGraphQLError } from './graphql-errors.js';

type AccessKey = `${PermissionType}:${string}`;

/**
 * The auth playbooks' arguments and results carry JWTs and session tokens. They run only behind
 * `/api/auth/*`; through GraphQL nobody, whatever their role, may view or execute them.
 */
const INTERNAL_PLAYBOOKS: ReadonlySet<string> = new Set(Object.values(AUTH_PLAYBOOK_PATHS));
const INTERNAL_DECISION = {
  allowed: false,
  message: 'auth playbooks are internal to the gateway and reachable only through /api/auth',
};

/**
 * The session of one GraphQL operation, validated lazily (a query for `health` never asks the engine),
 * and its access decisions, de-duplicated per operation with a DataLoader.
 */
export class RequestAuth {
  private sessionPromise: Promise<Session> | undefined;
  private readonly access: DataLoader<AccessKey, AccessDecision>;

  constructor(
    private readonly sessions: SessionService,
    private readonly token: FoundToken | undefined,
    known?: Session,
  ) {
    if (known) this.sessionPromise = Promise.resolve(known);
    this.access = new DataLoader<AccessKey, AccessDecision>(
      async (keys) => {
        const session = await this.session();
        return Promise.all(
          keys.map(async (key) => {
            const colon = key.indexOf(':');
            const permission = key.slice(0, colon) as PermissionType;
            const path = key.slice(colon + 1);
            if (INTERNAL_PLAYBOOKS.has(path)) return { ...INTERNAL_DECISION };
            try {
              return await this.sessions.checkAccess(session, path, permission);
            } catch (error) {
              return toGraphQLError(error, 'access check');
            }
          }),
        );
      },
      { maxBatchSize: 50 },
    );
  }

  /** The validated session; throws UNAUTHENTICATED (no or bad token) or an upstream error code. */
  session(): Promise<Session> {
    this.sessionPromise ??= this.validate();
    return this.sessionPromise;
  }

  private async validate(): Promise<Session> {
    if (!this.token) {
      throw gatewayError(
        'UNAUTHENTICATED',
        'A session token is required: send Authorization: Bearer <token>, X-Session-Token or the session_token cookie',
      );
    }
    let check;
    try {
      check = await this.sessions.validate(this.token.token);
    } catch (error) {
      throw toGraphQLError(error, 'session validation');
    }
    if (!check.valid) throw gatewayError('UNAUTHENTICATED', `Session is not valid: ${check.reason}`);
    return check.session;
  }

  /** Whether the session may `permission` the playbook at `path`; throws when it cannot be decided. */
  async can(path: string, permission: PermissionType): Promise<boolean> {
    await this.session();
    const decision = await this.access.load(`${permission}:${path}`);
    return decision.allowed;
  }

  /** Throws FORBIDDEN unless the session may `permission` the playbook at `path`. */
  async require(path: string, permission: PermissionType): Promise<Session> {
    const session = await this.session();
    const decision = await this.access.load(`${permission}:${path}`);
    if (!decision.allowed)
      throw gatewayError('FORBIDDEN', `Not allowed to ${permission} ${path}: ${decision.message}`);
    return session;
  }
}
