import type { NextFunction, Request, Response } from 'express';

export interface CorsOptions {
  /** Allowed origins, e.g. `https://app.example.com`; `*` allows any origin (still with credentials). */
  origins: readonly string[];
  maxAgeSeconds?: number;
}

const ALLOWED_METHODS = 'GET, POST, OPTIONS';
const DEFAULT_ALLOWED_HEADERS =
  'content-type, authorization, x-session-token, x-request-id, apollo-require-preflight';
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

/** Decides whether an origin may call the gateway with credentials. */
export function createOriginPolicy(origins: readonly string[]): (origin: string) => boolean {
  const any = origins.includes('*');
  const allowed = new Set(origins.map((o) => normalizeOrigin(o)).filter((o): o is string => !!o));
  return (origin) => {
    const normalized = normalizeOrigin(origin);
    return !!normalized && (any || allowed.has(normalized));
  };
}

/**
 * CORS by allow-list, with credentials. An allowed origin gets its own origin echoed back; a refused
 * preflight is answered 403 without CORS headers, so the browser never sends the real request.
 */
export function corsMiddleware(options: CorsOptions) {
  const isAllowed = createOriginPolicy(options.origins);
  const maxAge = String(options.maxAgeSeconds ?? 600);
  return (req: Request, res: Response, next: NextFunction) => {
    const origin = req.get('origin');
    if (!origin) {
      next();
      return;
    }
    res.vary('Origin');
    const preflight = req.method === 'OPTIONS' && !!req.get('access-control-request-method');
    if (!isAllowed(origin)) {
      if (preflight) {
        res.status(403).json({ error: `origin ${origin} is not allowed (CORS_ORIGINS)` });
        return;
      }
      next();
      return;
    }
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Allow-Credentials', 'true');
    res.setHeader('Access-Control-Expose-Headers', 'x-request-id, retry-after');
    if (preflight) {
      const requested = req.get('access-control-request-headers');
      res.setHeader('Access-Control-Allow-Methods', ALLOWED_METHODS);
      res.setHeader(
        'Access-Control-Allow-Headers',
        requested && HEADER_LIST.test(requested) ? requested.toLowerCase() : DEFAULT_ALLOWED_HEADERS,
      );
      res.setHeader('Access-Control-Max-Age', maxAge);
      res.vary('Access-Control-Request-Headers');
      res.status(204).end();
      return;
    }
    next();
  };
}
