/** The JSON error body every Switchyard service answers with: `{ error: { code, message, details? } }`. */
export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

/** An error that carries its HTTP status and a machine-readable code; thrown by handlers for bad input. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'HttpError';
  }

  toBody(): ErrorBody {
    return errorBody(this.code, this.message, this.details);
  }
}

export function errorBody(code: string, message: string, details?: unknown): ErrorBody {
  return details === undefined ? { error: { code, message } } : { error: { code, message, details } };
}

interface BodyParserError {
  type?: string;
  status?: number;
  expose?: boolean;
  limit?: number;
  length?: number;
}

/**
 * Maps anything thrown in a request to an {@link HttpError}: known client errors (body parser failures,
 * HttpError) keep their status; everything else becomes a 500 without internal details.
 */
export function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  const e = (error ?? {}) as BodyParserError & { message?: string };
  switch (e.type) {
    case 'entity.too.large':
      return new HttpError(413, 'PAYLOAD_TOO_LARGE', `Request body exceeds the limit of ${e.limit} bytes`, {
        limit: e.limit,
        length: e.length,
      });
    case 'entity.parse.failed':
      return new HttpError(400, 'INVALID_JSON', `Request body is not valid JSON: ${e.message ?? ''}`.trim());
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new HttpError(415, 'UNSUPPORTED_ENCODING', e.message ?? 'Unsupported content encoding');
    case 'request.aborted':
      return new HttpError(400, 'REQUEST_ABORTED', 'The client aborted the request');
    default:
      break;
  }
  if (typeof e.status === 'number' && e.status >= 400 && e.status < 500 && e.expose) {
    return new HttpError(e.status, 'BAD_REQUEST', e.message ?? 'Bad request');
  }
  return new HttpError(500, 'INTERNAL_ERROR', 'Internal server error');
}
