import type { z } from 'zod';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/**
 * One REST route, declared once: the engine mounts its handler from it, `/openapi.json` documents it and the
 * typed client calls it. `path` uses `:name` for path parameters.
 */
export interface RouteDeclaration {
  method: HttpMethod;
  path: string;
  summary: string;
  /** Where the route comes from: a NoETL 2.5 path (same shape, plus additive fields) or one of ours. */
  origin: 'noetl' | 'switchyard';
  tag: string;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /** The body may be left out (NoETL's `Body(default=None)`); an empty body is then parsed as `{}`. */
  bodyOptional?: boolean;
  /** The status of a successful answer. */
  status: number;
  response: z.ZodType;
  /** Error statuses the route can answer besides 401 and 422, each with a `{detail, code}` body. */
  errors?: Record<number, string>;
  /** Not exposed unless the engine enables it (the dev token issuer). */
  optional?: boolean;
  /** The status of a request that does not validate: FastAPI's 422 on NoETL's routes, 400 on the Actions API. */
  invalidStatus?: 400 | 422;
}

export function defineRoute<const D extends RouteDeclaration>(declaration: D): D {
  return declaration;
}

type Part<D, K extends 'params' | 'query' | 'body'> =
  D extends Record<K, infer S extends z.ZodType> ? S : undefined;

/** What a caller passes: the path parameters, query and body its declaration names, in their input types. */
export type RouteInput<D extends RouteDeclaration> = (Part<D, 'params'> extends z.ZodType
  ? { params: z.input<Part<D, 'params'>> }
  : { params?: undefined }) &
  (Part<D, 'query'> extends z.ZodType ? { query?: z.input<Part<D, 'query'>> } : { query?: undefined }) &
  (Part<D, 'body'> extends z.ZodType
    ? D extends { bodyOptional: true }
      ? { body?: z.input<Part<D, 'body'>> }
      : { body: z.input<Part<D, 'body'>> }
    : { body?: undefined });

/** What a handler receives: every declared part after validation, in its output type. */
export interface RouteParsedInput<D extends RouteDeclaration> {
  params: Part<D, 'params'> extends z.ZodType ? z.output<Part<D, 'params'>> : Record<string, never>;
  query: Part<D, 'query'> extends z.ZodType ? z.output<Part<D, 'query'>> : Record<string, never>;
  body: Part<D, 'body'> extends z.ZodType ? z.output<Part<D, 'body'>> : undefined;
}

/** The answer of a route (the parsed response schema). */
export type RouteOutput<D extends RouteDeclaration> = z.output<D['response']>;

/** The request path with its parameters filled in (each one URL-encoded). */
export function fillPath(path: string, params: Record<string, unknown> | undefined): string {
  return path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, (_m, name: string) => {
    const value = params?.[name];
    if (value === undefined || value === null) throw new Error(`path parameter "${name}" is missing`);
    return encodeURIComponent(String(value));
  });
}

/** `:name` → `{name}`, the OpenAPI spelling of a path. */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');
}
