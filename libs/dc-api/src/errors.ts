/** Machine-readable error types of the agent's `{ type, message, details }` error body. */
export const DC_ERROR_TYPES = [
  'invalid-json',
  'invalid-request',
  'request-too-deep',
  'payload-too-large',
  'unknown-table',
  'unknown-column',
  'unknown-relationship',
  'unknown-operator',
  'type-mismatch',
  'missing-header',
  'response-too-large',
  'method-not-allowed',
  'unsupported-media-type',
  'invalid-config',
  'not-found',
  'uncaught-error',
] as const;
export type DcErrorType = (typeof DC_ERROR_TYPES)[number];

export interface DcErrorDetails {
  /** Where in the request the problem is, as a JSON path such as `query.where.expressions[2].column.name`. */
  path?: string;
  [key: string]: unknown;
}

/** The error body of every Data Connector endpoint. */
export interface DcErrorResponse {
  type: DcErrorType;
  message: string;
  details: DcErrorDetails;
}

/** A client mistake in a Data Connector request; the agent answers it with `status` and {@link toBody}. */
export class DcRequestError extends Error {
  constructor(
    readonly type: DcErrorType,
    message: string,
    readonly details: DcErrorDetails = {},
    readonly status = 400,
  ) {
    super(message);
    this.name = 'DcRequestError';
  }

  toBody(): DcErrorResponse {
    return { type: this.type, message: this.message, details: this.details };
  }
}

/** Renders a path of keys and indexes as `query.where.expressions[2].column.name`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$]*$/.test(key)) out += out === '' ? key : `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

/** Appends one key (or index) to a path string made by {@link formatPath}. */
export function joinPath(base: string, key: string | number): string {
  const tail = formatPath([key]);
  if (base === '') return tail;
  return tail.startsWith('[') ? base + tail : `${base}.${tail}`;
}
