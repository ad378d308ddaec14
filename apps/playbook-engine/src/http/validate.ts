import { HttpError } from '@switchyard/service-kit';
import type { z } from 'zod';
import { formatPath } from '@switchyard/playbook-dsl';

/** Parses a request part or answers 400 VALIDATION_ERROR with the path of every problem. */
export function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  where: 'body' | 'query' = 'body',
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
  throw new HttpError(
    400,
    'VALIDATION_ERROR',
    `Invalid request ${where}: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
    { problems },
  );
}
