import { context, propagation } from '@opentelemetry/api';
import { Agent, request, type Dispatcher } from 'undici';
import type { z } from 'zod';
import { EngineError } from './errors.js';

export interface EngineClientOptions {
  /** e.g. http://localhost:8082 */
  baseUrl: string;
  /** Per-request timeout in ms (headers and body). Default 10000. */
  timeoutMs?: number;
  /** Connections kept per origin. Default 16. */
  connections?: number;
  /** Extra headers on every request (e.g. x-request-id). */
  headers?: Record<string, string>;
  /** The engine API token (ENGINE_API_TOKEN), sent as `Authorization: Bearer`. */
  token?: string;
}

export type RequestOptions = {
  signal?: AbortSignal;
  headers?: Record<string, string>;
  /** Sees the status and headers of a successful answer (e.g. `x-total-count`). */
  onResponse?: (status: number, headers: Record<string, string | string[] | undefined>) => void;
};

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** The message of an error answer: FastAPI's `detail` (a text or validation items), else our `error.message`. */
export function errorMessageOf(body: unknown, status: number): string {
  const b = (body ?? {}) as { detail?: unknown; error?: { message?: unknown } };
  if (typeof b.detail === 'string') return b.detail;
  if (Array.isArray(b.detail)) {
    const items = b.detail as Array<{ loc?: unknown[]; msg?: unknown }>;
    return items.map((i) => `${(i.loc ?? []).join('.')}: ${String(i.msg)}`).join('; ');
  }
  if (typeof b.error?.message === 'string') return b.error.message;
  return `HTTP ${status}`;
}

/**
 * One keep-alive pool to the engine and the request function every client uses: JSON in and out, the answer
 * checked against its zod schema, failures as {@link EngineError} (`unavailable`, `http`, `bad_response`).
 */
export function createEngineTransport(options: EngineClientOptions) {
  const base = new URL(options.baseUrl);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const dispatcher: Dispatcher = new Agent({
    connections: options.connections ?? 16,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    connect: { timeout: Math.min(timeoutMs, 5_000) },
  });

  async function call<S extends z.ZodType>(
    method: HttpMethod,
    path: string,
    schema: S,
    body?: unknown,
    opts: RequestOptions = {},
  ): Promise<z.infer<S>> {
    const url = new URL(path, base);
    // Serialised before the request: a body that cannot be serialised is the caller's problem, not the engine's.
    const payload = body === undefined ? undefined : JSON.stringify(body);
    // The caller's trace (and request id, as baggage) continues in the engine.
    const traceHeaders: Record<string, string> = {};
    propagation.inject(context.active(), traceHeaders);
    let res: Dispatcher.ResponseData;
    try {
      res = await request(url, {
        method,
        dispatcher,
        signal: opts.signal,
        headers: {
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          ...traceHeaders,
          ...options.headers,
          ...opts.headers,
        },
        body: payload,
      });
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
    let text: string;
    try {
      text = await res.body.text();
    } catch (error) {
      throw new EngineError(
        'unavailable',
        0,
        undefined,
        `Engine connection lost while reading ${method} ${path}`,
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
      const message = errorMessageOf(parsed, res.statusCode);
      throw new EngineError('http', res.statusCode, parsed, `Engine ${method} ${path} failed: ${message}`);
    }
    opts.onResponse?.(res.statusCode, res.headers);
    const checked = schema.safeParse(parsed);
    if (!checked.success) {
      throw new EngineError(
        'bad_response',
        res.statusCode,
        parsed,
        `Engine ${method} ${path} answered an unexpected body: ${checked.error.message}`,
      );
    }
    return checked.data;
  }

  return { base, call, close: () => dispatcher.close() };
}

export type EngineTransport = ReturnType<typeof createEngineTransport>;

/** Builds `path?query` from the defined entries of `query`. */
export function withQuery(path: string, query: Record<string, unknown>): string {
  const qs = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null) qs.set(key, String(value));
  }
  return qs.size ? `${path}?${qs}` : path;
}
