import { request } from 'undici';
import type { ToolHandler } from './types.js';

function stringHeaders(headers: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers && typeof headers === 'object') {
    for (const [k, v] of Object.entries(headers))
      if (v !== undefined && v !== null && v !== '') out[k.toLowerCase()] = String(v);
  }
  return out;
}

/** `http`: method, url, headers, params, body → `{ status_code, headers, body }`. */
export const httpTool: ToolHandler = async ({ config, signal }, runtime) => {
  const url = new URL(String(config.url));
  const params = (config.params ?? {}) as Record<string, unknown>;
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null) continue;
    url.searchParams.set(k, typeof v === 'object' ? JSON.stringify(v) : String(v));
  }
  const method = String(config.method ?? 'GET').toUpperCase();
  const headers = stringHeaders(config.headers);
  let body: string | undefined;
  if (config.body !== undefined && config.body !== null && method !== 'GET' && method !== 'HEAD') {
    if (typeof config.body === 'string') body = config.body;
    else {
      body = JSON.stringify(config.body);
      headers['content-type'] ??= 'application/json';
    }
  }
  const res = await request(url, {
    method: method as 'GET',
    headers,
    body,
    signal,
    headersTimeout: runtime.httpTimeoutMs,
    bodyTimeout: runtime.httpTimeoutMs,
  });
  const text = await res.body.text();
  const contentType = String(res.headers['content-type'] ?? '');
  let parsed: unknown = text;
  if (contentType.includes('json') && text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  const responseHeaders: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers))
    if (v !== undefined) responseHeaders[k] = Array.isArray(v) ? v.join(', ') : v;
  return { status_code: res.statusCode, headers: responseHeaders, body: parsed };
};
