import { INVALID_ACTION_STATE, isEngineError } from '@switchyard/engine-client';
import { GraphQLError } from 'graphql';
import { toGraphQLError } from '../graphql/graphql-errors.js';

/** An engine failure of an Action call as a GraphQL error; a refused transition keeps INVALID_ACTION_STATE. */
export function actionError(error: unknown, what: string): GraphQLError {
  if (isEngineError(error) && error.kind === 'http' && error.code === INVALID_ACTION_STATE) {
    const details = (error.body as { error?: { details?: { phase?: string } } }).error?.details;
    return new GraphQLError(error.message.replace(/^Engine \S+ \S+ failed: /, ''), {
      extensions: { code: INVALID_ACTION_STATE, ...(details?.phase ? { phase: details.phase } : {}) },
    });
  }
  return toGraphQLError(error, what);
}
