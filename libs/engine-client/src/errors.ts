import { errorResponseSchema } from './schemas.js';

export type EngineErrorKind = 'http' | 'unavailable' | 'bad_response';

/**
 * Every failure of an engine call. `kind` says which: `http` (the engine answered 4xx/5xx; `status` and
 * `body` hold its answer), `unavailable` (no connection, timeout; `status` is 0), or `bad_response`
 * (a 2xx whose body does not match the schema).
 */
export class EngineError extends Error {
  constructor(
    readonly kind: EngineErrorKind,
    readonly status: number,
    readonly body: unknown,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'EngineError';
  }

  /** The engine's machine-readable error code (`code`, or `error.code`), when it sent one; NoETL sends none. */
  get code(): string | undefined {
    const parsed = errorResponseSchema.safeParse(this.body);
    return parsed.success ? (parsed.data.code ?? parsed.data.error?.code) : undefined;
  }

  /** FastAPI's `detail` of the answer, when there is one. */
  get detail(): unknown {
    return (this.body as { detail?: unknown } | undefined)?.detail;
  }

  get unavailable(): boolean {
    return this.kind === 'unavailable';
  }
}

export function isEngineError(error: unknown): error is EngineError {
  return error instanceof EngineError;
}

/** True for a connection failure or timeout: the engine could not be reached. */
export function isEngineUnavailable(error: unknown): boolean {
  return error instanceof EngineError && error.kind === 'unavailable';
}
