import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { Pool } from 'undici';

export interface SubgraphRequest {
  query: string;
  variables?: Record<string, unknown>;
  /** The variables already serialized as a JSON object (entity fetches build it while deduplicating); wins over `variables`. */
  variablesJson?: string;
  operationName?: string;
}

const MAX_CACHED_QUERIES = 2_000;

export interface SubgraphResponse {
  data?: Record<string, unknown> | null;
  errors?: Array<Record<string, unknown>>;
}

export interface SubgraphFetchOptions {
  headers?: Record<string, string>;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Sends a GraphQL request to one subgraph; rejects on transport errors, timeouts and non-GraphQL replies. */
export type SubgraphFetcher = (
  request: SubgraphRequest,
  options: SubgraphFetchOptions,
) => Promise<SubgraphResponse>;

export class SubgraphHttpError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'SubgraphHttpError';
  }
}

/** Keep-alive connection pools, one per subgraph origin. */
export class SubgraphClients {
  private readonly pools = new Map<string, Pool>();

  constructor(private readonly options: { connections?: number; defaultTimeoutMs?: number } = {}) {}

  private pool(origin: string): Pool {
    let pool = this.pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, {
        connections: this.options.connections ?? 64,
        pipelining: 1,
        keepAliveTimeout: 30_000,
      });
      this.pools.set(origin, pool);
    }
    return pool;
  }

  /** Request bodies: the query text of a plan's fetch is the same on every request, so its JSON form is kept. */
  private readonly queryJson = new Map<string, string>();

  private body(request: SubgraphRequest): string {
    if (request.variablesJson === undefined || request.operationName !== undefined) {
      const { variablesJson, ...plain } = request;
      return JSON.stringify(
        variablesJson === undefined ? plain : { ...plain, variables: JSON.parse(variablesJson) },
      );
    }
    let query = this.queryJson.get(request.query);
    if (query === undefined) {
      if (this.queryJson.size >= MAX_CACHED_QUERIES) this.queryJson.clear();
      query = JSON.stringify(request.query);
      this.queryJson.set(request.query, query);
    }
    return `{"query":${query},"variables":${request.variablesJson}}`;
  }

  fetcher(url: string): SubgraphFetcher {
    const parsed = new URL(url);
    const path = `${parsed.pathname}${parsed.search}`;
    const send = this.send(url, parsed, path);
    return (request, options) =>
      trace
        .getTracer('@switchyard/federation')
        .startActiveSpan(
          `subgraph ${parsed.host}${parsed.pathname}`,
          { kind: SpanKind.CLIENT, attributes: { 'server.address': parsed.host, 'url.full': url } },
          async (span) => {
            try {
              return await send(request, options);
            } catch (error) {
              span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
              throw error;
            } finally {
              span.end();
            }
          },
        );
  }

  private send(url: string, parsed: URL, path: string): SubgraphFetcher {
    return async (request, options) => {
      const traceHeaders: Record<string, string> = {};
      propagation.inject(context.active(), traceHeaders);
      const timeoutMs = options.timeoutMs ?? this.options.defaultTimeoutMs ?? 30_000;
      const signal = options.signal
        ? AbortSignal.any([options.signal, AbortSignal.timeout(timeoutMs)])
        : AbortSignal.timeout(timeoutMs);
      let response;
      try {
        response = await this.pool(parsed.origin).request({
          method: 'POST',
          path,
          headers: {
            ...options.headers,
            ...traceHeaders,
            'content-type': 'application/json',
            accept: 'application/graphql-response+json, application/json',
          },
          body: this.body(request),
          signal,
        });
      } catch (error) {
        const timedOut = signal.aborted && (signal.reason as Error | undefined)?.name === 'TimeoutError';
        if (timedOut)
          throw new SubgraphHttpError(
            `request to ${url} timed out after ${timeoutMs} ms`,
            'SUBREQUEST_TIMEOUT',
          );
        throw new SubgraphHttpError(
          `request to ${url} failed: ${(error as Error).message}`,
          'SUBREQUEST_HTTP_ERROR',
        );
      }
      let text: string;
      try {
        text = await response.body.text();
      } catch (error) {
        throw new SubgraphHttpError(
          `reading the response of ${url} failed: ${(error as Error).message}`,
          'SUBREQUEST_HTTP_ERROR',
        );
      }
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        throw new SubgraphHttpError(
          `${url} answered ${response.statusCode} with a body that is not JSON`,
          'SUBREQUEST_HTTP_ERROR',
        );
      }
      if (!body || typeof body !== 'object' || (!('data' in body) && !('errors' in body))) {
        throw new SubgraphHttpError(
          `${url} answered ${response.statusCode} without data or errors`,
          'SUBREQUEST_HTTP_ERROR',
        );
      }
      return body as SubgraphResponse;
    };
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((p) => p.close().catch(() => undefined)));
    this.pools.clear();
  }
}
