import { RateLimiter } from './rate-limiter.js';

export type RateScope = 'ip' | 'session';

export interface OperationBudgetOptions {
  windowMs: number;
  /** Operations (root fields) per window and client address. */
  operationsPerIp: number;
  /** Operations (root fields) per window and session. */
  operationsPerSession: number;
  /** Cost points (see @switchyard/graphql-limits) per window and client address. */
  costPerIp: number;
  /** Cost points per window and session. */
  costPerSession: number;
  onLimited?: (scope: RateScope) => void;
}

export interface OperationCharge {
  /** Root fields the request runs: 100 aliased mutations are 100 operations. */
  operations: number;
  cost: number;
}

export type BudgetDecision = { allowed: true } | { allowed: false; scope: RateScope; retryAfterMs: number };

/**
 * Rate limits that count work rather than HTTP requests: each GraphQL request is charged its operations and its
 * cost, per client address and per session, in fixed windows.
 */
export class OperationBudget {
  private readonly operations: Record<RateScope, RateLimiter>;
  private readonly cost: Record<RateScope, RateLimiter>;

  constructor(private readonly options: OperationBudgetOptions) {
    const limiter = (limit: number) => new RateLimiter({ limit, windowMs: options.windowMs });
    this.operations = {
      ip: limiter(options.operationsPerIp),
      session: limiter(options.operationsPerSession),
    };
    this.cost = { ip: limiter(options.costPerIp), session: limiter(options.costPerSession) };
  }

  /** Whether the client has used up a budget already (nothing is counted): checked before a request is parsed. */
  exhausted(client: { ip: string; token?: string | undefined }): BudgetDecision {
    for (const [scope, key] of this.keys(client)) {
      for (const limiter of [this.operations[scope], this.cost[scope]]) {
        const decision = limiter.peek(key);
        if (!decision.allowed) {
          this.options.onLimited?.(scope);
          return { allowed: false, scope, retryAfterMs: decision.retryAfterMs };
        }
      }
    }
    return { allowed: true };
  }

  private keys(client: { ip: string; token?: string | undefined }): Array<[RateScope, string]> {
    const keys: Array<[RateScope, string]> = [['ip', client.ip]];
    if (client.token) keys.push(['session', client.token]);
    return keys;
  }

  charge(client: { ip: string; token?: string | undefined }, charge: OperationCharge): BudgetDecision {
    for (const [scope, key] of this.keys(client)) {
      for (const [limiter, weight] of [
        [this.operations[scope], Math.max(1, charge.operations)],
        [this.cost[scope], Math.max(0, charge.cost)],
      ] as const) {
        const decision = limiter.hit(key, weight);
        if (!decision.allowed) {
          this.options.onLimited?.(scope);
          return { allowed: false, scope, retryAfterMs: decision.retryAfterMs };
        }
      }
    }
    return { allowed: true };
  }
}
