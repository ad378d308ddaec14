import { TemplateError } from './template-error.js';

/**
 * The JSON text of the context variables a render reads: only the top-level names its templates reference,
 * so that large step results the templates do not mention never leave Node.
 */
export function contextSlice(
  context: Record<string, unknown>,
  names: Iterable<string>,
  maxBytes: number,
): string {
  const picked: Record<string, unknown> = {};
  for (const name of names) {
    if (Object.hasOwn(context, name) && context[name] !== undefined) picked[name] = context[name];
  }
  let json: string;
  try {
    json = JSON.stringify(picked);
  } catch (error) {
    throw new TemplateError(
      'TEMPLATE_ERROR',
      `the template context is not JSON: ${(error as Error).message}`,
    );
  }
  // A UTF-8 byte count without encoding: every UTF-16 unit is at most 3 bytes.
  if (json.length > maxBytes || (json.length * 3 > maxBytes && Buffer.byteLength(json) > maxBytes)) {
    throw new TemplateError(
      'TEMPLATE_TOO_LARGE',
      `the variables the template reads (${Object.keys(picked).join(', ')}) are over ${maxBytes} bytes as JSON`,
    );
  }
  return json;
}
