import { HelperProcess, type HelperLaunch, type HelperReply } from './helper-process.js';
import { TemplateError } from './template-error.js';

/** How much later than the Python-side budget Node gives up on a helper and kills it. */
export const KILL_GRACE_MS = 500;

interface Job {
  body: string;
  budgetMs: number;
  /** Helpers that died under this job; rendering has no side effects, so it is tried once more. */
  crashes: number;
  resolve: (reply: HelperReply) => void;
  reject: (error: Error) => void;
}

interface Slot {
  helper: HelperProcess | undefined;
  starting: Promise<void> | undefined;
  busy: boolean;
}

/**
 * A fixed number of helper processes, each with at most one request in flight; requests wait in FIFO order.
 * A helper that does not answer within its budget + KILL_GRACE_MS is killed (the request fails with
 * TEMPLATE_TIMEOUT); a helper that dies is replaced, its request is tried once more on the replacement, and
 * fails if that helper dies too.
 */
export class HelperPool {
  private readonly slots: Slot[];
  private readonly queue: Job[] = [];
  private closed = false;
  private respawns = 0;

  private constructor(
    private readonly launchOptions: HelperLaunch,
    size: number,
  ) {
    this.slots = Array.from({ length: size }, () => ({
      helper: undefined,
      starting: undefined,
      busy: false,
    }));
  }

  static async start(launchOptions: HelperLaunch, size: number): Promise<HelperPool> {
    const pool = new HelperPool(launchOptions, size);
    const results = await Promise.allSettled(
      pool.slots.map((slot) => HelperProcess.launch(launchOptions).then((h) => pool.adopt(slot, h))),
    );
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) {
      await pool.close();
      throw failure.reason as Error;
    }
    return pool;
  }

  /** Process ids of the running helpers. */
  pids(): number[] {
    return this.slots.flatMap((slot) => (slot.helper?.alive ? [slot.helper.pid] : []));
  }

  /** Helpers started to replace one that died or was killed. */
  get respawnCount(): number {
    return this.respawns;
  }

  request(body: string, budgetMs: number): Promise<HelperReply> {
    if (this.closed)
      return Promise.reject(new TemplateError('TEMPLATE_ERROR', 'the template engine is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ body, budgetMs, crashes: 0, resolve, reject });
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0))
      job.reject(new TemplateError('TEMPLATE_ERROR', 'the template engine is closed'));
    await Promise.all(this.slots.map((slot) => slot.starting));
    await Promise.all(this.slots.map((slot) => slot.helper?.stop(1_000)));
  }

  private adopt(slot: Slot, helper: HelperProcess): void {
    slot.helper = helper;
    helper.onExit(() => {
      if (slot.helper !== helper) return;
      slot.helper = undefined;
      if (!this.closed) this.respawn(slot);
    });
  }

  private respawn(slot: Slot): void {
    if (slot.starting || this.closed) return;
    this.respawns += 1;
    slot.starting = HelperProcess.launch(this.launchOptions)
      .then(
        (helper) => {
          if (this.closed) helper.kill();
          else this.adopt(slot, helper);
        },
        (error: Error) => {
          if (this.slots.some((s) => s.helper?.alive || (s !== slot && s.starting))) return;
          for (const job of this.queue.splice(0)) {
            job.reject(
              new TemplateError('TEMPLATE_ERROR', `no template helper is running: ${error.message}`),
            );
          }
        },
      )
      .finally(() => {
        slot.starting = undefined;
        this.pump();
      });
  }

  private pump(): void {
    while (this.queue.length > 0) {
      const slot = this.slots.find((s) => s.helper?.alive && !s.busy);
      if (!slot) break;
      this.execute(slot, slot.helper!, this.queue.shift()!);
    }
    if (this.queue.length > 0) {
      for (const slot of this.slots) if (!slot.helper?.alive) this.respawn(slot);
    }
  }

  private execute(slot: Slot, helper: HelperProcess, job: Job): void {
    slot.busy = true;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      helper.kill();
    }, job.budgetMs + KILL_GRACE_MS);
    helper
      .request(job.body)
      .then(job.resolve, (error: Error) => {
        if (!timedOut && !helper.alive && job.crashes === 0 && !this.closed) {
          // The helper died (perhaps before it read the request): try once more on its replacement.
          job.crashes += 1;
          this.queue.unshift(job);
          return;
        }
        job.reject(
          timedOut
            ? new TemplateError(
                'TEMPLATE_TIMEOUT',
                `the render did not finish within its budget of ${job.budgetMs} ms; its helper was stopped`,
              )
            : new TemplateError('TEMPLATE_ERROR', `the render failed: ${error.message}`),
        );
      })
      .finally(() => {
        clearTimeout(timer);
        slot.busy = false;
        this.pump();
      });
  }
}
