import type { NatsConnection } from '@nats-io/transport-node';
import { isTerminalEvent, subscribeExecutionEvents, type ExecutionEvent } from '@switchyard/execution-events';
import { isUpstreamError, UpstreamError } from '../errors.js';

export interface ExecutionFeedsOptions {
  nats: () => NatsConnection;
  subjectPrefix: string;
  /** Most events one feed keeps in memory; a subscriber that needs older ones reads JetStream itself. */
  maxBufferedEvents: number;
  /** Most bytes (events as JSON) one feed keeps in memory. */
  maxBufferedBytes: number;
  /** Messages a subscriber reading JetStream on its own fetches ahead of it. */
  directPrefetch?: number;
}

/** One execution's events, read once from JetStream and shared by every subscriber of that execution. */
class Feed {
  readonly controller = new AbortController();
  readonly events = new Map<number, { event: ExecutionEvent; bytes: number }>();
  bufferedBytes = 0;
  /** Lowest seq still buffered (events are buffered contiguously from here). */
  firstSeq = 1;
  nextSeq = 1;
  terminalSeq: number | undefined;
  ended = false;
  error: unknown;
  subscribers = 0;
  private waiters = new Set<() => void>();

  push(event: ExecutionEvent, maxEvents: number, maxBytes: number): void {
    const bytes = JSON.stringify(event).length;
    this.events.set(event.seq, { event, bytes });
    this.bufferedBytes += bytes;
    this.nextSeq = event.seq + 1;
    if (isTerminalEvent(event)) this.terminalSeq = event.seq;
    // The newest event always stays; older ones go once either bound is passed.
    while (this.events.size > 1 && (this.events.size > maxEvents || this.bufferedBytes > maxBytes)) {
      this.bufferedBytes -= this.events.get(this.firstSeq)?.bytes ?? 0;
      this.events.delete(this.firstSeq);
      this.firstSeq++;
    }
    this.notify();
  }

  finish(error?: unknown): void {
    this.ended = true;
    this.error = error;
    this.notify();
  }

  /** Resolves at the next change of the feed, or when `signal` aborts. */
  changed(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted) {
        resolve();
        return;
      }
      const done = () => {
        this.waiters.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      this.waiters.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  private notify(): void {
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const w of waiters) w();
  }
}

/**
 * Fans one JetStream read per execution out to all of its subscribers, so that a thousand clients watching one
 * run cost one consumer and one decode per event. Each subscriber still starts at its own `fromSeq`, gets every
 * event once and in order, and ends after the terminal event; across NATS reconnects the shared reader resumes
 * (see `subscribeExecutionEvents`). A feed closes when its last subscriber leaves.
 */
export class ExecutionFeeds {
  private readonly feeds = new Map<string, Feed>();

  constructor(private readonly options: ExecutionFeedsOptions) {}

  get size(): number {
    return this.feeds.size;
  }

  /** Every event of `executionId` from `fromSeq`, in order, each once; ends after the terminal event. */
  async *events(
    executionId: string,
    fromSeq: number,
    signal: AbortSignal,
  ): AsyncGenerator<ExecutionEvent, void, undefined> {
    const feed = this.acquire(executionId);
    try {
      let next = Math.max(1, fromSeq);
      while (!signal.aborted) {
        if (next < feed.firstSeq) {
          // Older than the shared buffer: read those from JetStream directly, to the end.
          yield* subscribeExecutionEvents(this.options.nats(), executionId, {
            fromSeq: next,
            prefix: this.options.subjectPrefix,
            signal,
            maxMessages: this.options.directPrefetch ?? 8,
          });
          return;
        }
        const event = feed.events.get(next)?.event;
        if (event) {
          next++;
          yield event;
          if (isTerminalEvent(event)) return;
          continue;
        }
        if (feed.terminalSeq !== undefined && next > feed.terminalSeq) return;
        if (feed.ended) {
          if (feed.error !== undefined) throw feed.error;
          return;
        }
        await feed.changed(signal);
      }
    } finally {
      this.release(executionId, feed);
    }
  }

  private acquire(executionId: string): Feed {
    let feed = this.feeds.get(executionId);
    if (!feed || (feed.ended && feed.error !== undefined)) {
      feed = new Feed();
      this.feeds.set(executionId, feed);
      this.read(executionId, feed);
    }
    feed.subscribers++;
    return feed;
  }

  private release(executionId: string, feed: Feed): void {
    feed.subscribers--;
    if (feed.subscribers > 0) return;
    feed.controller.abort();
    if (this.feeds.get(executionId) === feed) this.feeds.delete(executionId);
  }

  private read(executionId: string, feed: Feed): void {
    const { signal } = feed.controller;
    void (async () => {
      try {
        const nc = this.options.nats();
        for await (const event of subscribeExecutionEvents(nc, executionId, {
          prefix: this.options.subjectPrefix,
          signal,
        })) {
          feed.push(event, this.options.maxBufferedEvents, this.options.maxBufferedBytes);
        }
        feed.finish();
      } catch (error) {
        feed.finish(
          signal.aborted
            ? undefined
            : isUpstreamError(error)
              ? error
              : new UpstreamError(
                  'EVENTS_UNAVAILABLE',
                  `Cannot read the events of execution ${executionId}: ${(error as Error).message}`,
                  {
                    cause: error,
                  },
                ),
        );
      }
    })();
  }
}
