import { request } from 'undici';
import { CONFIG_HEADER, SOURCE_NAME_HEADER } from './types.js';
import type {
  AgentConfig,
  CapabilitiesResponse,
  ExplainResponse,
  QueryRequest,
  QueryResponse,
  SchemaResponse,
} from './types.js';
import type { DcErrorResponse } from './errors.js';

export interface DcClientOptions {
  /** The agent's base URL, e.g. http://127.0.0.1:8100 */
  baseUrl: string;
  /** Sent as X-Hasura-DataConnector-SourceName. */
  sourceName?: string;
  /** Sent as X-Hasura-DataConnector-Config (JSON). */
  config?: AgentConfig;
  /** Extra headers on every request. */
  headers?: Record<string, string>;
}

/** A non-2xx answer from the agent; `body` is the parsed `{ type, message, details }` when the agent sent one. */
export class DcClientError extends Error {
  constructor(
    readonly status: number,
    readonly body: DcErrorResponse | unknown,
  ) {
    const message =
      body && typeof body === 'object' && 'message' in body
        ? String((body as { message: unknown }).message)
        : `HTTP ${status}`;
    super(`Data Connector agent answered ${status}: ${message}`);
    this.name = 'DcClientError';
  }
}

export interface DcClient {
  capabilities(): Promise<CapabilitiesResponse>;
  schema(): Promise<SchemaResponse>;
  query(body: QueryRequest): Promise<QueryResponse>;
  explain(body: QueryRequest): Promise<ExplainResponse>;
  /** Resolves true on 204; with `checkSource` it sends the config and source name headers. */
  health(checkSource?: boolean): Promise<boolean>;
}

/** A typed client of a Data Connector agent (undici). */
export function createDcClient(options: DcClientOptions): DcClient {
  const base = options.baseUrl.replace(/\/+$/, '');
  const sourceHeaders: Record<string, string> = {};
  if (options.sourceName !== undefined) sourceHeaders[SOURCE_NAME_HEADER] = options.sourceName;
  sourceHeaders[CONFIG_HEADER] = JSON.stringify(options.config ?? {});

  async function call<T>(
    method: 'GET' | 'POST',
    path: string,
    withSource: boolean,
    body?: unknown,
  ): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (withSource) Object.assign(headers, sourceHeaders);
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await request(`${base}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.body.text();
    const parsed: unknown = text === '' ? undefined : safeJson(text);
    if (res.statusCode < 200 || res.statusCode >= 300) throw new DcClientError(res.statusCode, parsed);
    return parsed as T;
  }

  return {
    capabilities: () => call<CapabilitiesResponse>('GET', '/capabilities', false),
    schema: () => call<SchemaResponse>('GET', '/schema', true),
    query: (body) => call<QueryResponse>('POST', '/query', true, body),
    explain: (body) => call<ExplainResponse>('POST', '/explain', true, body),
    async health(checkSource = false) {
      const headers: Record<string, string> = { ...options.headers };
      if (checkSource) Object.assign(headers, sourceHeaders);
      const res = await request(`${base}/health`, { method: 'GET', headers });
      await res.body.dump();
      return res.statusCode === 204;
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
