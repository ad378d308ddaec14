import type { NextFunction, Request, Response } from 'express';

export interface CorsOptions {
  /** Allowed origins, e.g. `https://app.example.com`; `*` allows any origin. Empty: no CORS headers at all. */
  origins: readonly string[];
  /** Send `Access-Control-Allow-Credentials: true` (cookies, Authorization); the origin is always echoed. */
  credentials?: boolean;
  /** Request headers a preflight may ask for when it names none or names malformed ones. */
  allowHeaders?: readonly string[];
  /** Response headers the browser may read. */
  exposeHeaders?: readonly string[];
  maxAgeSeconds?: number;
}

const ALLOWED_METHODS = 'GET, POST, OPTIONS';
const DEFAULT_ALLOWED_HEADERS = ['content-type', 'authorization', 'x-request-id'];
const DEFAULT_EXPOSED_HEADERS = ['x-request-id', 'retry-after'];
const HEADER_LIST = /^[A-Za-z0-9-]+(\s*,\s*[A-Za-z0-9-]+)*$/;

/** Normalises an origin (`scheme://host[:port]`, lower case, no trailing slash); undefined when it is not one. */
export function normalizeOrigin(origin: string): string | undefined {
  try {
    const url = new URL(origin);
    if (url.origin === 'null') return undefined;
    return url.origin.toLowerCase();
  } catch {
    return undefined;
  }
}

/** Decides whether an origin is on the allow-list (`*` allows any well-formed origin). */
export function createOriginPolicy(origins: readonly string[]): (origin: string) => boolean {
  const any = origins.includes('*');
  const allowed = new Set(origins.map((o) => normalizeOrigin(o)).filter((o): o is string => !!o));
  return (origin) => {
    const normalized = normalizeOrigin(origin);
    return !!normalized && (any || allowed.has(normalized));
  };
}

/**
 * CORS by allow-list, the one implementation every service uses. An allowed origin gets its own origin echoed
 * back; an OPTIONS request from an allowed origin is answered 204 with the preflight headers, from any other
 * origin 403 without CORS headers, so the browser never sends the real request. Requests without `Origin`
 * pass untouched.
 */
export function corsMiddleware(options: CorsOptions) {
  const isAllowed = createOriginPolicy(options.origins);
  const maxAge = String(options.maxAgeSeconds ?? 600);
  const allowHeaders = (options.allowHeaders ?? DEFAULT_ALLOWED_HEADERS).join(', ');
  const exposeHeaders = (options.exposeHeaders ?? DEFAULT_EXPOSED_HEADERS).join(', ');
  return (req: Request, res: Response, next: NextFunction) => {
    const origin = req.get('origin');
    if (!origin) {
      next();
      return;
    }
    res.vary('Origin');
    const preflight = req.method === 'OPTIONS';
    if (!isAllowed(origin)) {
      if (preflight) {
        res.status(403).json({
          error: { code: 'CORS_ORIGIN_REFUSED', message: `origin ${origin} is not allowed (CORS_ORIGINS)` },
        });
        return;
      }
      next();
      return;
    }
    res.setHeader('Access-Control-Allow-Origin', origin);
    if (options.credentials) res.setHeader('Access-Control-Allow-Credentials', 'true');
    res.setHeader('Access-Control-Expose-Headers', exposeHeaders);
    if (preflight) {
      const requested = req.get('access-control-request-headers');
      res.setHeader('Access-Control-Allow-Methods', ALLOWED_METHODS);
      res.setHeader(
        'Access-Control-Allow-Headers',
        requested && HEADER_LIST.test(requested) ? requested.toLowerCase() : allowHeaders,
      );
      res.setHeader('Access-Control-Max-Age', maxAge);
      res.vary('Access-Control-Request-Headers');
      res.status(204).end();
      return;
    }
    next();
  };
}
