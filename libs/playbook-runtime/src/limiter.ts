/** A counting semaphore: at most `limit` holders at once, first come first served. */
export class Limiter {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  private freeWaiters: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      const next = this.waiting.shift();
      if (next) next();
      else {
        const waiters = this.freeWaiters;
        this.freeWaiters = [];
        for (const w of waiters) w();
      }
    }
  }

  /** Slots nobody holds or waits for. */
  get free(): number {
    return this.limit - this.active - this.waiting.length;
  }

  /** Resolves when a slot frees up (at once if one is free). */
  whenFree(): Promise<void> {
    if (this.free > 0) return Promise.resolve();
    return new Promise((resolve) => this.freeWaiters.push(resolve));
  }
}
