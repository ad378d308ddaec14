import { GraphQLError } from 'graphql';
import { isEngineError } from '@switchyard/engine-client';
import { isUpstreamError, toUpstreamError } from '../errors.js';

export type GatewayErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'BAD_USER_INPUT'
  | 'CONFLICT'
  | 'ENGINE_UNAVAILABLE'
  | 'ENGINE_ERROR'
  | 'EVENTS_UNAVAILABLE';

export function gatewayError(
  code: GatewayErrorCode,
  message: string,
  extensions: Record<string, unknown> = {},
): GraphQLError {
  return new GraphQLError(message, { extensions: { ...extensions, code } });
}

/**
 * Maps a failure of an engine or NATS call to a GraphQL error with a machine-readable `extensions.code`.
 * Engine 4xx answers become the client's error (BAD_USER_INPUT, NOT_FOUND, CONFLICT); anything else is upstream.
 */
export function toGraphQLError(error: unknown, what: string): GraphQLError {
  if (error instanceof GraphQLError) return error;
  if (isEngineError(error) && error.kind === 'http' && error.status >= 400 && error.status < 500) {
    const message = error.message.replace(/^Engine \S+ \S+ failed: /, '');
    if (error.status === 404) return gatewayError('NOT_FOUND', message);
    if (error.status === 409) return gatewayError('CONFLICT', message);
    return gatewayError('BAD_USER_INPUT', message);
  }
  const upstream = toUpstreamError(error, what);
  if (isUpstreamError(upstream)) return gatewayError(upstream.code, upstream.message);
  return new GraphQLError(`${what} failed`, {
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
    originalError: error as Error,
  });
}
