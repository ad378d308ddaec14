import type { IncomingHttpHeaders } from 'node:http';

/** Where a session token was found, in the order the gateway looks. */
export type TokenSource = 'authorization' | 'x-session-token' | 'cookie' | 'connection-params';

export interface FoundToken {
  token: string;
  source: TokenSource;
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Reads one cookie's value from a Cookie header; undefined when absent or empty. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    try {
      value = decodeURIComponent(value);
    } catch {
      // keep the raw value
    }
    return value || undefined;
  }
  return undefined;
}

/**
 * The session token of a request: `Authorization: Bearer`, then `X-Session-Token`, then cookie `session_token`.
 * A present but empty or non-bearer Authorization header does not stop the search.
 */
export function extractSessionToken(headers: IncomingHttpHeaders): FoundToken | undefined {
  const auth = firstHeader(headers.authorization);
  const bearer = auth ? BEARER.exec(auth)?.[1] : undefined;
  if (bearer) return { token: bearer, source: 'authorization' };
  const header = firstHeader(headers['x-session-token'])?.trim();
  if (header) return { token: header, source: 'x-session-token' };
  const cookie = readCookie(firstHeader(headers.cookie), 'session_token');
  if (cookie) return { token: cookie, source: 'cookie' };
  return undefined;
}

/** A graphql-ws `connection_init` payload token (`sessionToken`, or `session_token` / `Authorization`). */
export function tokenFromConnectionParams(
  params: Readonly<Record<string, unknown>> | undefined,
): FoundToken | undefined {
  if (!params) return undefined;
  for (const key of ['sessionToken', 'session_token']) {
    const value = params[key];
    if (typeof value === 'string' && value.trim())
      return { token: value.trim(), source: 'connection-params' };
  }
  for (const key of ['Authorization', 'authorization']) {
    const value = params[key];
    const bearer = typeof value === 'string' ? BEARER.exec(value)?.[1] : undefined;
    if (bearer) return { token: bearer, source: 'connection-params' };
  }
  return undefined;
}
