import type { NextFunction, Request, Response } from 'express';
import { extractSessionToken } from '../auth/session-token.js';
import type { RateLimiter, RateDecision } from './rate-limiter.js';

export type RateScope = 'ip' | 'session';

export interface RateLimitMiddlewareOptions {
  perIp: RateLimiter;
  perSession: RateLimiter;
  /** Writes the 429 answer in the route's own error shape. */
  respond: (res: Response, scope: RateScope, decision: RateDecision) => void;
  onLimited?: (scope: RateScope) => void;
}

export function clientIp(req: { socket: { remoteAddress?: string | undefined } }): string {
  return req.socket.remoteAddress ?? 'unknown';
}

/** Limits requests per client IP and, when a session token is sent, per session. */
export function rateLimitMiddleware(options: RateLimitMiddlewareOptions) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method === 'OPTIONS') {
      next();
      return;
    }
    const checks: Array<[RateScope, RateLimiter, string]> = [['ip', options.perIp, clientIp(req)]];
    const token = extractSessionToken(req.headers)?.token;
    if (token) checks.push(['session', options.perSession, token]);
    for (const [scope, limiter, key] of checks) {
      const decision = limiter.hit(key);
      if (!decision.allowed) {
        options.onLimited?.(scope);
        res.setHeader('Retry-After', String(Math.max(1, Math.ceil(decision.retryAfterMs / 1000))));
        options.respond(res, scope, decision);
        return;
      }
    }
    next();
  };
}
