import { Agent, request, type Dispatcher } from 'undici';
import type { z } from 'zod';
import {
  actionSchema,
  listActionsResponseSchema,
  listTypeInstancesResponseSchema,
  typeInstanceSchema,
  type ActionUserRequest,
  type ContinueRenderingRequest,
  type CreateActionRequest,
  type CreateTypeInstanceRequest,
  type ListActionsQuery,
  type UpdateActionRequest,
} from './actions-schemas.js';
import type { EngineClientOptions } from './client.js';
import { EngineError } from './errors.js';

type RequestOptions = { signal?: AbortSignal; headers?: Record<string, string> };

/** Typed client for the engine's Actions API (`/api/actions`, `/api/typeinstances`). Close it when done. */
export function createActionsClient(options: EngineClientOptions) {
  const base = new URL(options.baseUrl);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const dispatcher: Dispatcher = new Agent({
    connections: options.connections ?? 16,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    connect: { timeout: Math.min(timeoutMs, 5_000) },
  });

  async function call<S extends z.ZodType>(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    schema: S,
    body?: unknown,
    opts: RequestOptions = {},
  ): Promise<z.infer<S>> {
    let res: Dispatcher.ResponseData;
    let text: string;
    try {
      res = await request(new URL(path, base), {
        method,
        dispatcher,
        signal: opts.signal,
        headers: {
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...options.headers,
          ...opts.headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      text = await res.body.text();
    } catch (error) {
      if (opts.signal?.aborted) throw error;
      throw new EngineError(
        'unavailable',
        0,
        undefined,
        `Engine unavailable at ${base.origin}: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // keep the raw text as the body
    }
    if (res.statusCode >= 400) {
      const message =
        (parsed as { error?: { message?: string } } | undefined)?.error?.message ?? `HTTP ${res.statusCode}`;
      throw new EngineError('http', res.statusCode, parsed, `Engine ${method} ${path} failed: ${message}`);
    }
    const checked = schema.safeParse(parsed);
    if (!checked.success)
      throw new EngineError(
        'bad_response',
        res.statusCode,
        parsed,
        `Engine ${method} ${path} answered an unexpected body: ${checked.error.message}`,
      );
    return checked.data;
  }

  const enc = encodeURIComponent;
  return {
    createAction: (req: CreateActionRequest, opts?: RequestOptions) =>
      call('POST', '/api/actions', actionSchema, req, opts),
    getAction: (name: string, opts?: RequestOptions) =>
      call('GET', `/api/actions/${enc(name)}`, actionSchema, undefined, opts),
    listActions: (query: ListActionsQuery = {}, opts?: RequestOptions) => {
      const qs = new URLSearchParams();
      for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null) qs.set(k, String(v));
      return call(
        'GET',
        `/api/actions${qs.size ? `?${qs}` : ''}`,
        listActionsResponseSchema,
        undefined,
        opts,
      );
    },
    updateAction: (name: string, req: UpdateActionRequest, opts?: RequestOptions) =>
      call('PUT', `/api/actions/${enc(name)}`, actionSchema, req, opts),
    deleteAction: (name: string, opts?: RequestOptions) =>
      call('DELETE', `/api/actions/${enc(name)}`, actionSchema, undefined, opts),
    runAction: (name: string, req: ActionUserRequest = {}, opts?: RequestOptions) =>
      call('POST', `/api/actions/${enc(name)}/run`, actionSchema, req, opts),
    cancelAction: (name: string, req: ActionUserRequest = {}, opts?: RequestOptions) =>
      call('POST', `/api/actions/${enc(name)}/cancel`, actionSchema, req, opts),
    continueAdvancedRendering: (name: string, req: ContinueRenderingRequest, opts?: RequestOptions) =>
      call('POST', `/api/actions/${enc(name)}/continue-rendering`, actionSchema, req, opts),
    createTypeInstance: (req: CreateTypeInstanceRequest, opts?: RequestOptions) =>
      call('POST', '/api/typeinstances', typeInstanceSchema, req, opts),
    getTypeInstance: (id: string, opts?: RequestOptions) =>
      call('GET', `/api/typeinstances/${enc(id)}`, typeInstanceSchema, undefined, opts),
    listTypeInstances: (filter: { path?: string; revision?: string } = {}, opts?: RequestOptions) => {
      const qs = new URLSearchParams();
      if (filter.path) qs.set('path', filter.path);
      if (filter.revision) qs.set('revision', filter.revision);
      return call(
        'GET',
        `/api/typeinstances${qs.size ? `?${qs}` : ''}`,
        listTypeInstancesResponseSchema,
        undefined,
        opts,
      );
    },
    close: () => dispatcher.close(),
  };
}

export type ActionsClient = ReturnType<typeof createActionsClient>;
