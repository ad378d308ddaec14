import type { z } from 'zod';
import { DcRequestError, formatPath, type DcErrorType } from './errors.js';
import { queryRequestSchema } from './request-schema.js';
import type { QueryRequest } from './types.js';

/** Default limit on how deeply a request body may nest (objects and arrays). */
export const DEFAULT_MAX_REQUEST_DEPTH = 64;

const DISCRIMINATORS: Record<string, string[]> = {
  expression: ['and', 'or', 'not', 'binary_op', 'binary_arr_op', 'unary_op'],
  field: ['column', 'relationship'],
  value: ['scalar', 'column'],
};

/**
 * Checks a parsed JSON body's nesting depth without recursion, so a hostile body cannot exhaust the stack.
 * Throws a `request-too-deep` error naming the first path that is too deep.
 */
export function assertMaxDepth(body: unknown, maxDepth: number): void {
  const stack: Array<{ value: unknown; depth: number; path: PropertyKey[] }> = [
    { value: body, depth: 0, path: [] },
  ];
  while (stack.length > 0) {
    const { value, depth, path } = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (depth >= maxDepth) {
      throw new DcRequestError(
        'request-too-deep',
        `The request nests deeper than ${maxDepth} levels at ${formatPath(path)}`,
        {
          path: formatPath(path),
          maxDepth,
        },
      );
    }
    if (Array.isArray(value))
      value.forEach((v, i) => stack.push({ value: v, depth: depth + 1, path: [...path, i] }));
    else
      for (const [k, v] of Object.entries(value))
        stack.push({ value: v, depth: depth + 1, path: [...path, k] });
  }
}

function valueAt(body: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let current = body;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value)}`;
}

function discriminatorKind(path: ReadonlyArray<PropertyKey>): keyof typeof DISCRIMINATORS {
  const last = path[path.length - 1];
  if (last === 'value') return 'value';
  if (path[path.length - 2] === 'fields') return 'field';
  return 'expression';
}

/** Turns the first zod issue into a Data Connector error naming the exact place in the request. */
export function issueToError(
  issue: z.core.$ZodIssue,
  body: unknown,
  prefix: PropertyKey[] = [],
): DcRequestError {
  const issuePath = [...prefix, ...issue.path];
  if (issue.code === 'invalid_union' && 'discriminator' in issue && issue.discriminator) {
    const endsWithKey = issuePath[issuePath.length - 1] === issue.discriminator;
    const path = endsWithKey ? issuePath : [...issuePath, issue.discriminator];
    const kind = discriminatorKind(path.slice(0, -1));
    const got = valueAt(body, path);
    const allowed = DISCRIMINATORS[kind] ?? [];
    const type: DcErrorType =
      kind === 'expression' && typeof got === 'string' ? 'unknown-operator' : 'invalid-request';
    return new DcRequestError(
      type,
      `${formatPath(path)}: unknown ${kind} type ${describe(got)}; expected one of ${allowed.join(', ')}`,
      { path: formatPath(path), expected: allowed, received: got ?? null },
    );
  }
  const path = formatPath(issuePath);
  const got = valueAt(body, issuePath);
  if (issue.code === 'invalid_value') {
    const allowed = issue.values.map((v) => String(v));
    const isOperator = issuePath[issuePath.length - 1] === 'operator';
    return new DcRequestError(
      isOperator ? 'unknown-operator' : 'invalid-request',
      `${path}: ${isOperator ? 'unknown operator' : 'unexpected value'} ${describe(got)}; expected one of ${allowed.join(', ')}`,
      { path, expected: allowed, received: got ?? null },
    );
  }
  if (issue.code === 'invalid_type') {
    const message =
      got === undefined
        ? `${path} is required (${issue.expected})`
        : `${path}: expected ${issue.expected}, got ${describe(got)}`;
    return new DcRequestError('invalid-request', message, {
      path,
      expected: issue.expected,
      received: got ?? null,
    });
  }
  if (issue.code === 'invalid_union') {
    const best = issue.errors
      .filter((list) => list.length > 0)
      .sort((a, b) => b[0]!.path.length - a[0]!.path.length || a.length - b.length)[0]?.[0];
    if (best && best.path.length > 0) return issueToError(best, body, issuePath);
    if (got === undefined)
      return new DcRequestError('invalid-request', `${path} is required`, { path, received: null });
    const isValue =
      issuePath[issuePath.length - 1] === 'value' || typeof issuePath[issuePath.length - 1] === 'number';
    return new DcRequestError(
      isValue ? 'type-mismatch' : 'invalid-request',
      isValue
        ? `${path}: expected a scalar (string, number, boolean or null), got ${describe(got)}`
        : `${path}: ${describe(got)} does not have an accepted shape`,
      { path, received: got ?? null },
    );
  }
  return new DcRequestError('invalid-request', `${path}: ${issue.message}`, { path, received: got ?? null });
}

/** Validates a `/query` (or `/explain`) body: depth first, then shape. Throws {@link DcRequestError}. */
export function parseQueryRequest(body: unknown, maxDepth = DEFAULT_MAX_REQUEST_DEPTH): QueryRequest {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new DcRequestError(
      'invalid-request',
      `The request body must be a JSON object, got ${describe(body)}`,
      {
        path: '',
      },
    );
  }
  assertMaxDepth(body, maxDepth);
  const result = queryRequestSchema.safeParse(body);
  if (result.success) return result.data;
  throw issueToError(result.error.issues[0]!, body);
}
