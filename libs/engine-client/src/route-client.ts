import type { z } from 'zod';
import { fillPath, type RouteDeclaration, type RouteInput, type RouteOutput } from './routes/route.js';
import { withQuery, type EngineTransport, type RequestOptions } from './transport.js';

/** A typed caller per route of a table: `(input, opts) => Promise<answer>`, built from the declarations. */
export type RouteCallers<T extends Record<string, RouteDeclaration>> = {
  [K in keyof T]: (input: RouteInput<T[K]>, opts?: RequestOptions) => Promise<RouteOutput<T[K]>>;
};

/** Calls one declared route: fills its path, adds its query, sends its body, checks the answer's schema. */
export function callRoute<D extends RouteDeclaration>(
  transport: EngineTransport,
  route: D,
  input: RouteInput<D>,
  opts?: RequestOptions,
): Promise<RouteOutput<D>> {
  const { params, query, body } = input as {
    params?: Record<string, unknown>;
    query?: Record<string, unknown>;
    body?: unknown;
  };
  const path = withQuery(fillPath(route.path, params), query ?? {});
  const sent = route.body ? (body ?? (route.bodyOptional ? {} : undefined)) : undefined;
  return transport.call(route.method, path, route.response as z.ZodType<RouteOutput<D>>, sent, opts);
}

/** Callers for every route of `routes`. */
export function routeCallers<T extends Record<string, RouteDeclaration>>(
  transport: EngineTransport,
  routes: T,
): RouteCallers<T> {
  const callers = {} as Record<string, unknown>;
  for (const [id, route] of Object.entries(routes)) {
    callers[id] = (input: RouteInput<RouteDeclaration>, opts?: RequestOptions) =>
      callRoute(transport, route, input, opts);
  }
  return callers as RouteCallers<T>;
}
