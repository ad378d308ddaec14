import DataLoader from 'dataloader';
import type { EngineClient, ExecutionDetail } from '@switchyard/engine-client';
import { isEngineError } from '@switchyard/engine-client';
import type { GraphQLError } from 'graphql';
import type { FoundToken } from '../auth/session-token.js';
import type { Session, SessionService } from '../auth/session-service.js';
import { toGraphQLError } from './graphql-errors.js';
import { RequestAuth } from './request-auth.js';

export interface Loaders {
  /** Engine execution details (with events) by id; null when the engine does not know the id. */
  execution: DataLoader<string, ExecutionDetail | null>;
}

export interface GatewayContext {
  auth: RequestAuth;
  loaders: Loaders;
}

export function createLoaders(engine: EngineClient): Loaders {
  return {
    execution: new DataLoader<string, ExecutionDetail | null>(
      (ids) =>
        Promise.all(
          ids.map(async (id): Promise<ExecutionDetail | null | GraphQLError> => {
            try {
              return await engine.getExecution(id);
            } catch (error) {
              if (
                isEngineError(error) &&
                error.kind === 'http' &&
                (error.status === 404 || error.status === 400)
              )
                return null;
              return toGraphQLError(error, `loading execution ${id}`);
            }
          }),
        ),
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
  session?: Session,
): GatewayContext {
  return { auth: new RequestAuth(deps.sessions, token, session), loaders: createLoaders(deps.engine) };
}
