import DataLoader from 'dataloader';
import type { EngineClient, ExecutionDetail } from '@switchyard/engine-client';
import { EXECUTION_ID_PATTERN } from '@switchyard/engine-client';
import type { FoundToken } from '../auth/session-token.js';
import type { Session, SessionService } from '../auth/session-service.js';
import { toGraphQLError } from './graphql-errors.js';
import { RequestAuth } from './request-auth.js';

export interface Loaders {
  /** Engine execution details (with events) by id; null when the engine does not know the id. */
  execution: DataLoader<string, ExecutionDetail | null>;
}

/** Who sent the operation, for rate limits. */
export interface ClientKeys {
  ip: string;
  token?: string;
}

export interface GatewayContext {
  auth: RequestAuth;
  loaders: Loaders;
  client: ClientKeys;
}

export function createLoaders(engine: EngineClient): Loaders {
  return {
    // One engine request per batch of ids (e.g. every node of an `executions` page asking for its events).
    execution: new DataLoader<string, ExecutionDetail | null>(
      async (ids) => {
        // An id the engine cannot hold names no execution: null, without asking.
        const valid = ids.filter((id) => EXECUTION_ID_PATTERN.test(id));
        if (valid.length === 0) return ids.map(() => null);
        try {
          const { executions } = await engine.getExecutions(valid);
          const byId = new Map(executions.map((e) => [e.execution_id, e]));
          return ids.map((id) => byId.get(id) ?? null);
        } catch (error) {
          const failure = toGraphQLError(error, `loading executions ${valid.join(', ')}`);
          return ids.map(() => failure);
        }
      },
      { maxBatchSize: 50 },
    ),
  };
}

export interface ContextDeps {
  engine: EngineClient;
  sessions: SessionService;
}

export function createContext(
  deps: ContextDeps,
  token: FoundToken | undefined,
  ip = 'unknown',
  session?: Session,
): GatewayContext {
  return {
    auth: new RequestAuth(deps.sessions, token, session),
    loaders: createLoaders(deps.engine),
    client: { ip, ...(token ? { token: token.token } : {}) },
  };
}
