import { isEngineError } from '@switchyard/engine-client';

/** Why a call behind the gateway failed: the engine is unreachable, it failed, or the NATS event feed is down. */
export type UpstreamErrorCode = 'ENGINE_UNAVAILABLE' | 'ENGINE_ERROR' | 'EVENTS_UNAVAILABLE';

/** A failure of the engine or of NATS (never of the client): 502 on REST, an error code in GraphQL. */
export class UpstreamError extends Error {
  constructor(
    readonly code: UpstreamErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'UpstreamError';
  }
}

export function isUpstreamError(error: unknown): error is UpstreamError {
  return error instanceof UpstreamError;
}

/**
 * Turns an engine-client failure into an {@link UpstreamError}; other errors pass through unchanged.
 * Engine 4xx answers are not upstream failures: callers handle them before calling this.
 */
export function toUpstreamError(error: unknown, what: string): unknown {
  if (error instanceof UpstreamError) return error;
  if (isEngineError(error)) {
    if (error.kind === 'unavailable')
      return new UpstreamError('ENGINE_UNAVAILABLE', `The playbook engine is unavailable (${what})`, {
        cause: error,
      });
    return new UpstreamError('ENGINE_ERROR', `The playbook engine failed (${what}): ${error.message}`, {
      cause: error,
    });
  }
  return error;
}
