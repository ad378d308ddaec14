/**
 * A bounded closed loop against one engine: `clients` concurrent clients, each starting an execution through
 * `POST /api/run/playbook` and waiting for its terminal event on NATS before starting the next. A warm-up is
 * run and discarded, then executions that finish inside the measured window are counted.
 */
import type { EngineClient } from '@switchyard/engine-client';
import {
  decodeExecutionEvent,
  executionSubjectsWildcard,
  isTerminalEvent,
  type ExecutionStatus,
  type NatsConnection,
} from '@switchyard/execution-events';

export interface LoopOptions {
  client: EngineClient;
  nc: NatsConnection;
  path: string;
  args(i: number): Record<string, unknown>;
  clients: number;
  warmupSeconds: number;
  seconds: number;
  /** An execution without a terminal event after this long counts as an error. */
  executionTimeoutMs?: number;
  /** Called when the measured window opens and when it closes (e.g. to read CPU counters). */
  onWindow?: (edge: 'open' | 'close') => void;
}

export interface LoopResult {
  /** Executions that completed inside the measured window. */
  completed: number;
  /** Executions that failed, were cancelled, timed out or could not be started, inside the window. */
  errors: number;
  firstError?: string;
  seconds: number;
  perSecond: number;
  /** Submit → terminal event, of the executions completed in the window (ms). */
  latencies: number[];
}

/** Terminal events by execution id, whether they arrive before or after the submitting client asks. */
class TerminalWaiter {
  private readonly early = new Map<string, ExecutionStatus>();
  private readonly waiting = new Map<string, (status: ExecutionStatus) => void>();

  deliver(executionId: string, status: ExecutionStatus): void {
    const resolve = this.waiting.get(executionId);
    if (resolve) {
      this.waiting.delete(executionId);
      resolve(status);
    } else if (this.early.size < 100_000) this.early.set(executionId, status);
  }

  wait(executionId: string, timeoutMs: number): Promise<ExecutionStatus | 'TIMEOUT'> {
    const known = this.early.get(executionId);
    if (known) {
      this.early.delete(executionId);
      return Promise.resolve(known);
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(executionId);
        resolve('TIMEOUT');
      }, timeoutMs);
      this.waiting.set(executionId, (status) => {
        clearTimeout(timer);
        resolve(status);
      });
    });
  }
}

export async function closedLoop(options: LoopOptions): Promise<LoopResult> {
  const timeoutMs = options.executionTimeoutMs ?? 60_000;
  const waiter = new TerminalWaiter();
  const sub = options.nc.subscribe(executionSubjectsWildcard(), {
    callback: (_error, msg) => {
      try {
        const event = decodeExecutionEvent(msg.data);
        if (isTerminalEvent(event)) waiter.deliver(event.executionId, event.status);
      } catch {
        // not an execution event
      }
    },
  });
  await options.nc.flush();

  const started = performance.now();
  const windowOpen = started + options.warmupSeconds * 1000;
  const windowClose = windowOpen + options.seconds * 1000;
  let opened = false;
  let closed = false;
  const open = () => {
    if (opened) return;
    opened = true;
    options.onWindow?.('open');
  };
  const close = () => {
    if (closed || !opened) return;
    closed = true;
    options.onWindow?.('close');
  };
  const openTimer = setTimeout(open, options.warmupSeconds * 1000);
  const closeTimer = setTimeout(close, (options.warmupSeconds + options.seconds) * 1000);

  const latencies: number[] = [];
  let completed = 0;
  let errors = 0;
  let firstError: string | undefined;
  let sequence = 0;
  const inWindow = (t: number) => t >= windowOpen && t < windowClose;
  const fail = (reason: string) => {
    errors++;
    firstError ??= reason;
  };

  await Promise.all(
    Array.from({ length: options.clients }, async () => {
      while (performance.now() < windowClose) {
        const i = ++sequence;
        const t0 = performance.now();
        let outcome: string;
        try {
          const run = await options.client.runPlaybook({ path: options.path, args: options.args(i) });
          outcome = await waiter.wait(run.execution_id, timeoutMs);
        } catch (error) {
          outcome = `submit failed: ${(error as Error).message}`;
        }
        const t1 = performance.now();
        if (!inWindow(t1)) continue;
        if (outcome === 'COMPLETED') {
          completed++;
          latencies.push(t1 - t0);
        } else fail(outcome);
      }
    }),
  );
  clearTimeout(openTimer);
  clearTimeout(closeTimer);
  sub.unsubscribe();
  if (!opened) throw new Error('the measured window never opened');
  close();
  return {
    completed,
    errors,
    firstError,
    seconds: options.seconds,
    perSecond: completed / options.seconds,
    latencies: latencies.sort((a, b) => a - b),
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
