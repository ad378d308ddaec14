import type { NextFunction, Request, Response } from 'express';

/** A GraphQL-shaped error body for answers given before Apollo sees the request. */
export function graphqlErrorBody(message: string, code: string, extra: Record<string, unknown> = {}) {
  return { errors: [{ message, extensions: { code, ...extra } }] };
}

/** Refuses GraphQL documents larger than `maxBytes` (POST body `query` or GET `?query=`) and batched requests. */
export function queryLimitMiddleware(maxBytes: number) {
  return (req: Request, res: Response, next: NextFunction) => {
    const body: unknown = req.body;
    if (req.method === 'POST' && Array.isArray(body)) {
      res
        .status(400)
        .json(
          graphqlErrorBody(
            'Batched operations are not supported: send one operation per request',
            'BAD_REQUEST',
          ),
        );
      return;
    }
    const fromBody = body && typeof body === 'object' ? (body as { query?: unknown }).query : undefined;
    const query =
      typeof fromBody === 'string' ? fromBody : typeof req.query.query === 'string' ? req.query.query : '';
    if (Buffer.byteLength(query, 'utf8') > maxBytes) {
      res
        .status(413)
        .json(
          graphqlErrorBody(
            `The operation is larger than ${maxBytes} bytes (GRAPHQL_MAX_QUERY_BYTES)`,
            'QUERY_TOO_LARGE',
          ),
        );
      return;
    }
    next();
  };
}
