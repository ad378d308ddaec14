import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

/**
 * Routes anyone may call: liveness, readiness and metrics of the process, NoETL's `GET /api/health`, and the dev
 * issuer's public keys.
 */
const OPEN_ROUTES = new Set([
  'GET /api/health',
  'GET /health',
  'GET /ready',
  'GET /metrics',
  'GET /api/auth/dev/jwks.json',
]);

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * Requires `Authorization: Bearer <token>` matching one of `tokens` (several allow rotation) on every route but
 * the open ones. Tokens are compared as SHA-256 digests in constant time; they are never logged.
 */
export function requireEngineToken(tokens: readonly string[]) {
  const accepted = tokens.map(digest);
  return (req: Request, res: Response, next: NextFunction): void => {
    if (accepted.length === 0 || OPEN_ROUTES.has(`${req.method} ${req.path}`)) return next();
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (match) {
      const given = digest(match[1]!.trim());
      if (accepted.some((token) => timingSafeEqual(token, given))) return next();
    }
    res
      .status(401)
      .set('www-authenticate', 'Bearer realm="playbook-engine"')
      .json({
        code: match ? 'INVALID_ENGINE_TOKEN' : 'ENGINE_TOKEN_REQUIRED',
        detail: match
          ? 'the engine API token is not valid'
          : 'the engine API needs Authorization: Bearer <ENGINE_API_TOKEN>',
        error: {
          code: match ? 'INVALID_ENGINE_TOKEN' : 'ENGINE_TOKEN_REQUIRED',
          message: match
            ? 'the engine API token is not valid'
            : 'the engine API needs Authorization: Bearer <ENGINE_API_TOKEN>',
        },
      });
  };
}

/**
 * Where the engine may listen given its token configuration: without a token only on loopback (a warning), and in
 * production not at all.
 */
export function engineListenHost(options: { host: string; tokens: readonly string[]; production: boolean }): {
  host: string;
  warning?: string;
} {
  if (options.tokens.length > 0) return { host: options.host };
  if (options.production) {
    throw new Error('ENGINE_API_TOKEN: required when NODE_ENV=production (a comma-separated list of tokens)');
  }
  const loopback = ['127.0.0.1', 'localhost', '::1'].includes(options.host);
  return {
    host: loopback ? options.host : '127.0.0.1',
    warning:
      'ENGINE_API_TOKEN is not set: the engine API is unauthenticated and listens on 127.0.0.1 only' +
      (loopback ? '' : ` (HOST=${options.host} ignored)`),
  };
}
