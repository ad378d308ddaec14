/** Why a template could not be rendered. */
export type TemplateErrorCode =
  'TEMPLATE_ERROR' | 'TEMPLATE_SYNTAX' | 'TEMPLATE_TIMEOUT' | 'TEMPLATE_TOO_LARGE';

export const TEMPLATE_ERROR_CODES: readonly TemplateErrorCode[] = [
  'TEMPLATE_ERROR',
  'TEMPLATE_SYNTAX',
  'TEMPLATE_TIMEOUT',
  'TEMPLATE_TOO_LARGE',
];

/** A template that failed to parse, to render, or to stay within its budgets. */
export class TemplateError extends Error {
  readonly code: TemplateErrorCode;

  constructor(code: TemplateErrorCode, message: string) {
    super(message);
    this.name = 'TemplateError';
    this.code = code;
  }
}

export function isTemplateErrorCode(value: unknown): value is TemplateErrorCode {
  return typeof value === 'string' && (TEMPLATE_ERROR_CODES as readonly string[]).includes(value);
}
