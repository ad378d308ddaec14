import { isIP } from 'node:net';
import { request } from 'undici';
import type { Dispatcher } from 'undici';
import type { HttpSettings } from '../settings.js';
import type { ToolCall } from '../tool-call.js';
import { ToolError } from '../tool-error.js';
import { readCappedBody } from './capped-body.js';
import { EgressPolicy } from './egress-policy.js';
import { guardedAgent } from './guarded-agent.js';
import { buildHttpRequest } from './http-request.js';
import type { HttpRequestSpec } from './http-request.js';

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const CROSS_ORIGIN_SECRETS = ['authorization', 'cookie', 'proxy-authorization'];

const policies = new Map<string, EgressPolicy>();
function policyFor(allow: readonly string[]): EgressPolicy {
  const key = allow.join(',');
  let policy = policies.get(key);
  if (!policy) {
    policy = new EgressPolicy(allow);
    policies.set(key, policy);
  }
  return policy;
}

/** Refuses non-HTTP schemes and IP-literal hosts the policy refuses (sockets skip DNS for those). */
function checkTarget(url: URL, policy: EgressPolicy): void {
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ToolError(
      'EGRESS_DENIED',
      `http tool: only http and https URLs are allowed, got ${url.protocol}`,
    );
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) {
    const verdict = policy.check(host, host);
    if (!verdict.allowed) throw new ToolError('EGRESS_DENIED', `http tool: egress denied: ${verdict.reason}`);
  }
}

/** The request that follows a redirect response, per RFC 9110 (303, and 301/302 after POST, become GET). */
function redirected(spec: HttpRequestSpec, status: number, location: string): HttpRequestSpec {
  let url: URL;
  try {
    url = new URL(location, spec.url);
  } catch {
    throw new ToolError('HTTP_ERROR', `http tool: redirect to an invalid location "${location}"`);
  }
  const headers = { ...spec.headers };
  if (url.origin !== spec.url.origin) for (const name of CROSS_ORIGIN_SECRETS) delete headers[name];
  const toGet =
    (status === 303 && spec.method !== 'HEAD') ||
    ((status === 301 || status === 302) && spec.method === 'POST');
  if (!toGet) return { ...spec, url, headers };
  delete headers['content-type'];
  delete headers['content-length'];
  return { url, method: 'GET', headers };
}

function findToolError(error: unknown): ToolError | undefined {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++)
    if (e instanceof ToolError) return e;
  return undefined;
}

function parseBody(bytes: Buffer, contentType: string): unknown {
  const text = bytes.toString('utf8');
  if (contentType.includes('json') && text) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

async function send(
  spec: HttpRequestSpec,
  dispatcher: Dispatcher,
  signal: AbortSignal,
  settings: HttpSettings,
) {
  return request(spec.url, {
    method: spec.method as Dispatcher.HttpMethod,
    headers: spec.headers,
    body: spec.body,
    signal,
    dispatcher,
    headersTimeout: settings.timeoutMs,
    bodyTimeout: settings.timeoutMs,
  });
}

/**
 * `http`: method, url, params, headers, body → `{ status_code, headers, body, data, url }` (`data` is the
 * body again, under NoETL's name). Every destination,
 * including each redirect's, passes the egress policy after DNS resolution; redirects are followed
 * here (up to maxRedirects); the whole call has one timeout and the body one size cap.
 */
export async function runHttpTool(call: ToolCall, settings: HttpSettings): Promise<unknown> {
  let spec = buildHttpRequest(call.config, call.credential);
  const policy = policyFor(settings.allow);
  const timeout = AbortSignal.timeout(settings.timeoutMs);
  const signal = AbortSignal.any([call.signal, timeout]);
  const dispatcher = guardedAgent(policy, Math.min(settings.timeoutMs, 10_000));
  try {
    for (let redirects = 0; ; redirects++) {
      checkTarget(spec.url, policy);
      const res = await send(spec, dispatcher, signal, settings);
      const location = res.headers.location;
      if (REDIRECTS.has(res.statusCode) && typeof location === 'string') {
        await res.body.dump().catch(() => undefined);
        if (redirects >= settings.maxRedirects)
          throw new ToolError(
            'TOO_MANY_REDIRECTS',
            `http tool: more than ${settings.maxRedirects} redirects`,
          );
        spec = redirected(spec, res.statusCode, location);
        continue;
      }
      const bytes = await readCappedBody(res.body, res.headers['content-length'], settings.maxResponseBytes);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers))
        if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      const body = parseBody(bytes, String(res.headers['content-type'] ?? ''));
      // `data` and `url` as NoETL's http tool answers them (noetl/tools/http/response.py, process_response).
      return { status_code: res.statusCode, headers, body, data: body, url: spec.url.toString() };
    }
  } catch (error) {
    const known = findToolError(error);
    if (known) throw known;
    if (call.signal.aborted) throw new ToolError('ABORTED', 'http tool: stopped');
    const name = (error as { name?: string; code?: string }).name ?? '';
    const code = (error as { code?: string }).code ?? '';
    if (timeout.aborted || /Timeout/.test(name) || /TIMEOUT/.test(code))
      throw new ToolError(
        'HTTP_TIMEOUT',
        `http tool: ${spec.url.host} did not answer within ${settings.timeoutMs} ms`,
      );
    throw new ToolError(
      'HTTP_ERROR',
      `http tool: ${spec.method} ${spec.url.origin}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  } finally {
    void dispatcher.destroy().catch(() => undefined);
  }
}
