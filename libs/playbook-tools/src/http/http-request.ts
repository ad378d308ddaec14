import type { ToolCredential } from '../tool-call.js';
import { ToolError } from '../tool-error.js';

/** The first request of an http step, built from its tool block. */
export interface HttpRequestSpec {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

function stringHeaders(headers: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers && typeof headers === 'object') {
    for (const [k, v] of Object.entries(headers))
      if (v !== undefined && v !== null && v !== '') out[k.toLowerCase()] = String(v);
  }
  return out;
}

/** Headers a credential adds: bearer token, basic user/password, or a map of headers. */
function credentialHeaders(credential: ToolCredential | undefined): Record<string, string> {
  if (!credential) return {};
  const data = credential.data;
  const type = credential.type.toLowerCase();
  const out = stringHeaders(data.headers);
  const token = data.token ?? data.access_token ?? data.bearer_token;
  if ((type.includes('bearer') || type.includes('token')) && typeof token === 'string')
    out.authorization = `Bearer ${token}`;
  else if (type.includes('basic') && data.password !== undefined) {
    const user = String(data.username ?? data.user ?? '');
    out.authorization = `Basic ${Buffer.from(`${user}:${String(data.password)}`).toString('base64')}`;
  }
  return out;
}

/**
 * `url` (or NoETL's `endpoint`), `method` (GET), `params` (query string), `headers`, and `body` (or
 * `data`): a string is sent as is, anything else as JSON.
 */
export function buildHttpRequest(
  config: Record<string, unknown>,
  credential?: ToolCredential,
): HttpRequestSpec {
  const target = config.url ?? config.endpoint;
  if (typeof target !== 'string' || target === '')
    throw new ToolError('BAD_CONFIG', 'http tool: url (or endpoint) is required');
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new ToolError('BAD_CONFIG', `http tool: "${target}" is not a valid URL`);
  }
  const params = (config.params ?? {}) as Record<string, unknown>;
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null) continue;
    url.searchParams.set(k, typeof v === 'object' ? JSON.stringify(v) : String(v));
  }
  const method = String(config.method ?? 'GET').toUpperCase();
  const headers = { ...stringHeaders(config.headers), ...credentialHeaders(credential) };
  const payload = config.body ?? config.data;
  let body: string | undefined;
  if (payload !== undefined && payload !== null && method !== 'GET' && method !== 'HEAD') {
    if (typeof payload === 'string') body = payload;
    else {
      body = JSON.stringify(payload);
      headers['content-type'] ??= 'application/json';
    }
  }
  return { url, method, headers, ...(body !== undefined ? { body } : {}) };
}
