import type { Request, Response, Router } from 'express';
import type { RouteDeclaration, RouteOutput, RouteParsedInput } from '@switchyard/engine-client';
import { parseInput } from './validate.js';

/** What a handler gets: the validated parts of the request, and the raw request and response for headers. */
export type RouteHandler<D extends RouteDeclaration> = (
  input: RouteParsedInput<D> & { req: Request; res: Response },
) => Promise<RouteOutput<D>> | RouteOutput<D>;

export type RouteHandlers<T extends Record<string, RouteDeclaration>> = {
  [K in keyof T]: RouteHandler<T[K]>;
};

/** Express's spelling of a declared path, relative to where the router is mounted. */
function expressPath(path: string, prefix: string): string {
  return path.startsWith(prefix) ? path.slice(prefix.length) || '/' : path;
}

/**
 * Mounts a handler per declared route (in declaration order): validates path parameters, query and body with the
 * declaration's schemas and answers the declared status. Routes without a handler (optional ones) are skipped.
 */
export function mountRoutes<T extends Record<string, RouteDeclaration>>(
  router: Router,
  routes: T,
  handlers: Partial<RouteHandlers<T>> & {
    [K in keyof T as T[K] extends { optional: true } ? never : K]: RouteHandler<T[K]>;
  },
  prefix = '/api',
): void {
  for (const [id, route] of Object.entries(routes)) {
    const handler = (handlers as Record<string, RouteHandler<RouteDeclaration> | undefined>)[id];
    if (!handler) continue;
    const method = route.method.toLowerCase() as 'get' | 'post' | 'put' | 'delete';
    router[method](expressPath(route.path, prefix), async (req: Request, res: Response) => {
      const invalid = route.invalidStatus ?? 422;
      const params = route.params ? parseInput(route.params, req.params, 'path', invalid) : {};
      const query = route.query ? parseInput(route.query, req.query, 'query', invalid) : {};
      const rawBody = req.body === undefined || (route.bodyOptional && req.body === null) ? {} : req.body;
      const body = route.body ? parseInput(route.body, rawBody, 'body', invalid) : undefined;
      const answer = await handler({ params, query, body, req, res } as Parameters<typeof handler>[0]);
      if (!res.headersSent) res.status(route.status).json(answer);
    });
  }
}
