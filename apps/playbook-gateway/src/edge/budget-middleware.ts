import type { NextFunction, Request, Response } from 'express';
import { extractSessionToken } from '../auth/session-token.js';
import { graphqlErrorBody } from '../http/graphql-limits.js';
import type { OperationBudget } from './operation-budget.js';
import { clientIp } from './rate-limit-middleware.js';

/**
 * Refuses a GraphQL request (429) from an address or session that has already used up its operations or cost for
 * the window, before the request is parsed; nothing is counted here (operations are charged once resolved).
 */
export function exhaustedBudgetMiddleware(budget: OperationBudget) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method === 'OPTIONS') {
      next();
      return;
    }
    const token = extractSessionToken(req.headers)?.token;
    const decision = budget.exhausted({ ip: clientIp(req), ...(token ? { token } : {}) });
    if (decision.allowed) {
      next();
      return;
    }
    const retryAfter = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
    res.setHeader('Retry-After', String(retryAfter));
    res
      .status(429)
      .json(
        graphqlErrorBody(
          `Too many operations for this ${decision.scope === 'ip' ? 'address' : 'session'}; retry in ${retryAfter} s`,
          'RATE_LIMITED',
        ),
      );
  };
}
