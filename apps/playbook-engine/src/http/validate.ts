import { HttpError } from '@switchyard/service-kit';
import type { z } from 'zod';
import { formatPath } from '@switchyard/playbook-dsl';

export type InputPart = 'body' | 'query' | 'path';

/** FastAPI's `type` of a validation item, from a zod issue. */
function fastApiType(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') return issue.input === undefined ? 'missing' : `${issue.expected}_type`;
  if (issue.code === 'unrecognized_keys') return 'extra_forbidden';
  return issue.code;
}

/**
 * Parses a request part, or answers 422 as FastAPI does: `detail` lists `{loc, msg, type}` per problem; `code`
 * VALIDATION_ERROR and `error.details.problems` (each problem with its path) are ours.
 */
export function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  where: InputPart = 'body',
  status: 400 | 422 = 422,
): z.infer<S> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => ({
    path: formatPath(issue.path),
    message:
      issue.code === 'unrecognized_keys'
        ? `unknown key${issue.keys.length > 1 ? 's' : ''}: ${issue.keys.join(', ')}`
        : issue.message,
  }));
  const detail = result.error.issues.map((issue) => ({
    loc: [where, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))],
    msg: issue.message,
    type: fastApiType(issue),
  }));
  throw new HttpError(
    status,
    'VALIDATION_ERROR',
    `Invalid request ${where}: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
    { problems, detail },
  );
}

/**
 * The error body of every engine answer: FastAPI's `detail` (the message, or a 422's validation items), our `code`,
 * and `error` as earlier versions answered it.
 */
export function engineErrorBody(error: HttpError): Record<string, unknown> {
  const details = error.details as { detail?: unknown } | undefined;
  const detail =
    details && typeof details === 'object' && 'detail' in details ? details.detail : error.message;
  return { detail, code: error.code, ...error.toBody() };
}
