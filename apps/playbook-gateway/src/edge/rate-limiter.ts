import { LRUCache } from 'lru-cache';

export interface RateLimiterOptions {
  /** Units (operations, cost points) allowed per key and window. */
  limit: number;
  windowMs: number;
  /** Most keys tracked at once (least recently used keys are dropped first). */
  maxKeys?: number;
  now?: () => number;
}

export interface RateDecision {
  allowed: boolean;
  remaining: number;
  /** Milliseconds until the key's window resets. */
  retryAfterMs: number;
}

interface Window {
  start: number;
  count: number;
}

/** A fixed-window counter per key, bounded in memory. */
export class RateLimiter {
  private readonly windows: LRUCache<string, Window>;
  private readonly now: () => number;

  constructor(private readonly options: RateLimiterOptions) {
    this.now = options.now ?? Date.now;
    this.windows = new LRUCache({ max: options.maxKeys ?? 100_000 });
  }

  /** Whether `key` still has room in its window, without counting anything. */
  peek(key: string): RateDecision {
    const now = this.now();
    const window = this.windows.get(key);
    if (!window || now - window.start >= this.options.windowMs)
      return { allowed: true, remaining: this.options.limit, retryAfterMs: 0 };
    return {
      allowed: window.count < this.options.limit,
      remaining: Math.max(0, this.options.limit - window.count),
      retryAfterMs: Math.max(0, window.start + this.options.windowMs - now),
    };
  }

  /** Counts `weight` units (default 1) against `key`; allowed while the window's total stays within the limit. */
  hit(key: string, weight = 1): RateDecision {
    const now = this.now();
    let window = this.windows.get(key);
    if (!window || now - window.start >= this.options.windowMs) {
      window = { start: now, count: 0 };
      this.windows.set(key, window);
    }
    window.count += weight;
    const retryAfterMs = Math.max(0, window.start + this.options.windowMs - now);
    return {
      allowed: window.count <= this.options.limit,
      remaining: Math.max(0, this.options.limit - window.count),
      retryAfterMs,
    };
  }
}
