import { jetstream } from '@nats-io/jetstream';
import type { EventPublisher, ExecutionEvent, NatsConnection } from '@switchyard/execution-events';
import type { Logger } from '@switchyard/service-kit';
import type { ExecutionStore } from './storage/execution-store.js';

export interface OutboxMetrics {
  published(count: number): void;
  failed(): void;
  delaySeconds(seconds: number): void;
}

/**
 * A log of messages besides the execution events that the outbox publishes, in log order, each once
 * (`Nats-Msg-Id`): Action status changes, for one.
 */
export interface OutboxFeed {
  readonly name: string;
  /** Makes sure the feed's stream exists on this connection (called once per connection). */
  prepare(nc: NatsConnection): Promise<void>;
  unpublished(limit: number): Promise<Array<{ id: string; subject: string; data: string; msgId: string }>>;
  markPublished(ids: string[]): Promise<void>;
}

export interface OutboxOptions {
  batchSize?: number;
  retryMs?: number;
  /** The sweep publishes unpublished events older than this (left by other or crashed engine processes). */
  sweepAgeMs?: number;
}

/**
 * The engine's one outbox: everything it logs for NATS is written to the database first and published after.
 *
 * Execution events:
 *
 * - normally from memory, right after each append commits (no extra read), in commit order;
 * - after a failure (NATS down, timeouts) or at start, in recovery mode: every unpublished event is read back
 *   from the log in write order and retried until NATS takes it; then memory mode resumes.
 *
 * One connection keeps publish order, so an execution's stream keeps `seq` order; `Nats-Msg-Id` = eventId,
 * so an event published twice (a retry after a lost acknowledgement) is stored once.
 */
export class Outbox {
  private publisher: EventPublisher | undefined;
  private connection: NatsConnection | undefined;
  private readonly preparedFeeds = new WeakMap<NatsConnection, Set<string>>();
  private feedsRunning: Promise<void> | undefined;
  private feedsAgain = false;
  private feedTimer: NodeJS.Timeout | undefined;
  private queue: ExecutionEvent[] = [];
  private recovering = true;
  private draining = false;
  private again = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private idleWaiters: Array<() => void> = [];
  private lastError: string | undefined;
  private pendingMarks: string[] = [];
  private marking: Promise<void> | undefined;
  private readonly batchSize: number;
  private readonly retryMs: number;
  private readonly sweepAgeMs: number;

  constructor(
    private readonly store: ExecutionStore,
    private readonly logger: Logger,
    private readonly metrics?: OutboxMetrics,
    options: OutboxOptions = {},
    /** Other logs published by this outbox, in their own order (see {@link OutboxFeed}). */
    private readonly feeds: readonly OutboxFeed[] = [],
  ) {
    this.batchSize = options.batchSize ?? 500;
    this.retryMs = options.retryMs ?? 500;
    this.sweepAgeMs = options.sweepAgeMs ?? 10_000;
  }

  /** The publisher of execution events and the connection the feeds publish on; undefined while NATS is away. */
  setPublisher(publisher: EventPublisher | undefined, connection?: NatsConnection): void {
    this.publisher = publisher;
    this.connection = publisher ? connection : undefined;
    if (publisher) {
      this.recovering = true;
      this.kick();
      this.kickFeeds();
    }
  }

  /** Starts the periodic sweep for events nobody in this process is publishing, and the feeds' retry timer. */
  start(sweepMs = 5_000, feedRetryMs = 1_000): void {
    this.sweepTimer = setInterval(() => void this.sweep(), sweepMs);
    this.sweepTimer.unref();
    if (this.feeds.length > 0) {
      this.feedTimer = setInterval(() => this.kickFeeds(), feedRetryMs);
      this.feedTimer.unref();
    }
  }

  /** Called after a feed's log got a new row. */
  kickFeeds(): void {
    if (this.stopped || this.feeds.length === 0) return;
    if (this.feedsRunning) {
      this.feedsAgain = true;
      return;
    }
    this.feedsRunning = this.drainFeeds().finally(() => {
      this.feedsRunning = undefined;
      if (this.feedsAgain) {
        this.feedsAgain = false;
        this.kickFeeds();
      }
    });
  }

  /** Resolves once every feed row logged so far is published (or a pass failed). */
  async feedsIdle(): Promise<void> {
    while (this.feedsRunning) await this.feedsRunning;
  }

  private async drainFeeds(): Promise<void> {
    const nc = this.connection;
    if (!nc || nc.isClosed()) return;
    const js = jetstream(nc);
    let prepared = this.preparedFeeds.get(nc);
    if (!prepared) this.preparedFeeds.set(nc, (prepared = new Set()));
    for (const feed of this.feeds) {
      try {
        if (!prepared.has(feed.name)) {
          await feed.prepare(nc);
          prepared.add(feed.name);
        }
        for (;;) {
          const batch = await feed.unpublished(100);
          if (!batch.length) break;
          const published: string[] = [];
          try {
            for (const row of batch) {
              await js.publish(row.subject, row.data, { msgID: row.msgId, timeout: 5_000 });
              published.push(row.id);
            }
          } finally {
            // One update per batch; a row published again after a failure is dropped by its msgID.
            if (published.length) await feed.markPublished(published);
          }
        }
      } catch (error) {
        this.logger.warn({ err: error, feed: feed.name }, 'publishing a feed failed; will retry');
      }
    }
  }

  get error(): string | undefined {
    return this.lastError;
  }

  /** Called after an event is committed. */
  enqueue(event: ExecutionEvent): void {
    if (this.stopped) return;
    this.queue.push(event);
    this.kick();
  }

  kick(): void {
    if (this.stopped) return;
    if (this.draining) {
      this.again = true;
      return;
    }
    void this.drain();
  }

  /** Resolves once everything written so far has been published (tests and shutdown). */
  idle(): Promise<void> {
    return new Promise((resolve) => {
      this.idleWaiters.push(resolve);
      this.kick();
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.sweepTimer);
    clearInterval(this.feedTimer);
    await this.feedsRunning;
    while (this.draining) await new Promise((r) => setTimeout(r, 10));
    await this.flushMarks();
  }

  private scheduleRetry(): void {
    if (this.stopped || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.kick();
    }, this.retryMs);
    this.retryTimer.unref();
  }

  private enterRecovery(): void {
    this.recovering = true;
    this.queue = [];
    this.scheduleRetry();
  }

  /**
   * Publishes a batch; returns the event ids that were acknowledged and whether any publish failed.
   * `pipelined`: send every event without waiting for the previous acknowledgement. NATS keeps the order of
   * one connection, so the stream still receives each execution's events in seq order; only when a publish
   * fails can a later event land first, and readers re-order by seq. Recovery publishes strictly one by one.
   */
  private async publishBatch(
    publisher: EventPublisher,
    events: ExecutionEvent[],
    pipelined: boolean,
  ): Promise<{ done: string[]; failed: boolean }> {
    const done: string[] = [];
    let failed = false;
    const publishOne = async (event: ExecutionEvent): Promise<boolean> => {
      try {
        await publisher.publish(event);
        done.push(event.eventId);
        this.metrics?.delaySeconds((Date.now() - Date.parse(event.timestamp)) / 1000);
        return true;
      } catch (error) {
        failed = true;
        this.lastError = (error as Error).message;
        return false;
      }
    };
    if (pipelined) {
      await Promise.all(events.map(publishOne));
    } else {
      const byExecution = new Map<string, ExecutionEvent[]>();
      for (const event of events) {
        const list = byExecution.get(event.executionId);
        if (list) list.push(event);
        else byExecution.set(event.executionId, [event]);
      }
      await Promise.all(
        [...byExecution.values()].map(async (list) => {
          // Later events of an execution wait for the earlier one's acknowledgement.
          for (const event of list) if (!(await publishOne(event))) return;
        }),
      );
    }
    this.metrics?.published(done.length);
    // The published flag only steers recovery, so memory mode does not wait for it.
    this.markLater(done);
    if (this.recovering) await this.flushMarks();
    if (failed) {
      this.metrics?.failed();
      this.logger.warn(
        { pending: events.length - done.length, error: this.lastError },
        'publishing events failed; will retry from the event log',
      );
    }
    return { done, failed };
  }

  private markLater(eventIds: string[]): void {
    if (eventIds.length === 0) return;
    this.pendingMarks.push(...eventIds);
    this.marking ??= (async () => {
      try {
        while (this.pendingMarks.length > 0) {
          const ids = this.pendingMarks.splice(0, 1_000);
          await this.store.markPublished(ids).catch((error: unknown) => {
            // Left unmarked, these events are published again in recovery; the stream drops the duplicates.
            this.logger.warn({ err: error }, 'cannot mark events as published');
          });
        }
      } finally {
        this.marking = undefined;
      }
    })();
  }

  private async flushMarks(): Promise<void> {
    while (this.marking) await this.marking;
  }

  private async drain(): Promise<void> {
    this.draining = true;
    let caughtUp = false;
    try {
      do {
        this.again = false;
        const publisher = this.publisher;
        if (!publisher) break;
        if (this.recovering) {
          await this.flushMarks();
          const rows = await this.store.unpublished(this.batchSize);
          if (rows.length === 0) {
            // Everything in the log is out; events appended meanwhile are in the queue.
            this.recovering = false;
            this.again = this.queue.length > 0;
            caughtUp = !this.again;
            continue;
          }
          const { failed } = await this.publishBatch(
            publisher,
            rows.map((r) => r.event),
            false,
          );
          if (failed) {
            this.enterRecovery();
            break;
          }
          this.again = true;
        } else {
          if (this.queue.length === 0) {
            caughtUp = true;
            break;
          }
          const batch = this.queue.splice(0, this.batchSize);
          const { failed } = await this.publishBatch(publisher, batch, true);
          if (failed) {
            this.enterRecovery();
            break;
          }
          this.lastError = undefined;
          this.again = true;
        }
      } while (this.again && !this.stopped);
    } catch (error) {
      this.lastError = (error as Error).message;
      this.logger.error({ err: error }, 'outbox pass failed; will retry from the event log');
      this.enterRecovery();
    } finally {
      this.draining = false;
    }
    if (caughtUp && this.queue.length === 0 && !this.recovering && this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      void this.flushMarks().then(() => {
        for (const w of waiters) w();
      });
    }
    if (this.again && !this.stopped) this.kick();
  }

  /** Publishes old unpublished events (another process wrote them and stopped before publishing). */
  private async sweep(): Promise<void> {
    if (this.stopped || this.recovering || !this.publisher) {
      this.kick();
      return;
    }
    try {
      const rows = await this.store.unpublishedOlderThan(this.sweepAgeMs, this.batchSize);
      if (rows.length > 0) {
        this.logger.info({ count: rows.length }, 'publishing events left unpublished');
        this.recovering = true;
        this.kick();
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'outbox sweep failed');
    }
  }
}
