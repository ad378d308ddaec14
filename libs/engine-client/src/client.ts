import { Agent, request, type Dispatcher } from 'undici';
import type { z } from 'zod';
import { EngineError } from './errors.js';
import {
  cancelResponseSchema,
  catalogResourceResponseSchema,
  credentialSchema,
  devTokenResponseSchema,
  executionDetailSchema,
  executionEventsResponseSchema,
  executionStatusResponseSchema,
  healthResponseSchema,
  listCatalogResponseSchema,
  listCredentialsResponseSchema,
  listExecutionsResponseSchema,
  registerCatalogResponseSchema,
  runPlaybookResponseSchema,
  type CancelRequest,
  type CatalogResourceRequest,
  type CredentialRequest,
  type DevTokenRequest,
  type ExecuteRequest,
  type ListCatalogRequest,
  type ListExecutionsQuery,
  type RunPlaybookRequest,
} from './schemas.js';

export interface EngineClientOptions {
  /** e.g. http://localhost:8082 */
  baseUrl: string;
  /** Per-request timeout in ms (headers and body). Default 10000. */
  timeoutMs?: number;
  /** Connections kept per origin. Default 16. */
  connections?: number;
  /** Extra headers on every request (e.g. x-request-id). */
  headers?: Record<string, string>;
}

type RequestOptions = { signal?: AbortSignal; headers?: Record<string, string> };

/** Creates a typed client for every engine REST endpoint. Close it when done. */
export function createEngineClient(options: EngineClientOptions) {
  const base = new URL(options.baseUrl);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const dispatcher: Dispatcher = new Agent({
    connections: options.connections ?? 16,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    connect: { timeout: Math.min(timeoutMs, 5_000) },
  });

  async function call<S extends z.ZodType>(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    schema: S,
    body?: unknown,
    opts: RequestOptions = {},
  ): Promise<z.infer<S>> {
    const url = new URL(path, base);
    let res: Dispatcher.ResponseData;
    try {
      res = await request(url, {
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
      const message =
        (parsed as { error?: { message?: string } } | undefined)?.error?.message ?? `HTTP ${res.statusCode}`;
      throw new EngineError('http', res.statusCode, parsed, `Engine ${method} ${path} failed: ${message}`);
    }
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

  const enc = encodeURIComponent;
  return {
    baseUrl: base.origin,
    runPlaybook: (req: RunPlaybookRequest, opts?: RequestOptions) =>
      call('POST', '/api/run/playbook', runPlaybookResponseSchema, req, opts),
    execute: (req: ExecuteRequest, opts?: RequestOptions) =>
      call('POST', '/api/execute', runPlaybookResponseSchema, req, opts),
    listExecutions: (query: ListExecutionsQuery = {}, opts?: RequestOptions) => {
      const qs = new URLSearchParams();
      for (const [k, v] of Object.entries(query)) if (v !== undefined) qs.set(k, String(v));
      const suffix = qs.size ? `?${qs}` : '';
      return call('GET', `/api/executions${suffix}`, listExecutionsResponseSchema, undefined, opts);
    },
    getExecution: (id: string, opts?: RequestOptions) =>
      call('GET', `/api/executions/${enc(id)}`, executionDetailSchema, undefined, opts),
    getExecutionStatus: (id: string, opts?: RequestOptions) =>
      call('GET', `/api/executions/${enc(id)}/status`, executionStatusResponseSchema, undefined, opts),
    getExecutionEvents: (id: string, fromSeq = 1, opts?: RequestOptions) =>
      call(
        'GET',
        `/api/executions/${enc(id)}/events?from_seq=${fromSeq}`,
        executionEventsResponseSchema,
        undefined,
        opts,
      ),
    cancelExecution: (id: string, req: CancelRequest = {}, opts?: RequestOptions) =>
      call('POST', `/api/executions/${enc(id)}/cancel`, cancelResponseSchema, req, opts),
    registerPlaybook: (content: string, opts?: RequestOptions) =>
      call(
        'POST',
        '/api/catalog/register',
        registerCatalogResponseSchema,
        { content, resource_type: 'Playbook' },
        opts,
      ),
    listCatalog: (req: ListCatalogRequest = {}, opts?: RequestOptions) =>
      call('POST', '/api/catalog/list', listCatalogResponseSchema, req, opts),
    getCatalogResource: (req: CatalogResourceRequest, opts?: RequestOptions) =>
      call('POST', '/api/catalog/resource', catalogResourceResponseSchema, req, opts),
    putCredential: (req: CredentialRequest, opts?: RequestOptions) =>
      call('POST', '/api/credentials', credentialSchema, req, opts),
    listCredentials: (opts?: RequestOptions) =>
      call('GET', '/api/credentials', listCredentialsResponseSchema, undefined, opts),
    deleteCredential: (name: string, opts?: RequestOptions) =>
      call('DELETE', `/api/credentials/${enc(name)}`, credentialSchema, undefined, opts),
    devToken: (req: DevTokenRequest, opts?: RequestOptions) =>
      call('POST', '/api/auth/dev/token', devTokenResponseSchema, req, opts),
    health: (opts?: RequestOptions) => call('GET', '/api/health', healthResponseSchema, undefined, opts),
    close: () => dispatcher.close(),
  };
}

export type EngineClient = ReturnType<typeof createEngineClient>;
