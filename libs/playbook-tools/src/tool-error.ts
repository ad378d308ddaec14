/** Machine-readable reasons a tool call fails. */
export const TOOL_ERROR_CODES = [
  'ABORTED',
  'BAD_CONFIG',
  'CREDENTIAL_REQUIRED',
  'CREDENTIAL_INVALID',
  'EGRESS_DENIED',
  'HTTP_ERROR',
  'HTTP_TIMEOUT',
  'POSTGRES_ERROR',
  'POSTGRES_TIMEOUT',
  'PYTHON_ERROR',
  'PYTHON_LIMIT',
  'PYTHON_UNAVAILABLE',
  'RESPONSE_TOO_LARGE',
  'RESULT_INVALID',
  'ROW_LIMIT',
  'TOO_MANY_REDIRECTS',
  'TOOL_FAILED',
  'UNKNOWN_TOOL',
] as const;
export type ToolErrorCode = (typeof TOOL_ERROR_CODES)[number];

/** A tool failure with a code the engine can report and a message a playbook author can act on. */
export class ToolError extends Error {
  constructor(
    readonly code: ToolErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ToolError';
  }
}

export function isToolError(error: unknown): error is ToolError {
  return error instanceof ToolError;
}
