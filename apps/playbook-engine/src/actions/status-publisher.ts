import { jetstream, jetstreamManager, StorageType } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  ACTION_STATUS_STREAM,
  actionStatusSubject,
  actionStatusWildcard,
  DEFAULT_ACTION_SUBJECT_PREFIX,
} from '@switchyard/engine-client';
import type { Logger } from '@switchyard/service-kit';
import type { ActionStore } from './action-store.js';

const NANOS_PER_MS = 1_000_000;

/** Creates the Action status stream (or adds its subjects to an existing stream of that name). */
export async function ensureActionStream(
  nc: NatsConnection,
  prefix = DEFAULT_ACTION_SUBJECT_PREFIX,
): Promise<void> {
  const jsm = await jetstreamManager(nc);
  const subject = actionStatusWildcard(prefix);
  const existing = await jsm.streams.info(ACTION_STATUS_STREAM).catch(() => undefined);
  if (!existing) {
    try {
      await jsm.streams.add({
        name: ACTION_STATUS_STREAM,
        subjects: [subject],
        storage: StorageType.File,
        max_age: 7 * 24 * 3600 * 1000 * NANOS_PER_MS,
        max_msgs_per_subject: 1_000,
        duplicate_window: 10 * 60 * 1000 * NANOS_PER_MS,
      });
    } catch (error) {
      if (!(await jsm.streams.info(ACTION_STATUS_STREAM).catch(() => undefined))) throw error;
    }
    return;
  }
  if (!existing.config.subjects?.includes(subject))
    await jsm.streams.update(ACTION_STATUS_STREAM, {
      subjects: [...(existing.config.subjects ?? []), subject],
    });
}

/**
 * Publishes the Action status log to JetStream in log order, each message once (`Nats-Msg-Id` =
 * `<uid>:<seq>`), and marks rows published. Rows written while NATS is away wait in the log and go out,
 * in order, once a connection is back.
 */
export class ActionStatusPublisher {
  private running: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private streamReadyFor: NatsConnection | undefined;
  private stopped = false;

  constructor(
    private readonly store: ActionStore,
    private readonly nats: () => NatsConnection | undefined,
    private readonly logger: Logger,
    private readonly prefix = DEFAULT_ACTION_SUBJECT_PREFIX,
    private readonly retryMs = 1_000,
  ) {}

  /** Starts a flush (or queues one after the running flush). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.flush().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
  }

  /** Retries on a timer so rows left behind by an outage or a restart still go out. */
  start(): void {
    this.timer = setInterval(() => this.kick(), this.retryMs);
    this.timer.unref();
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  /** Resolves once everything logged so far is published (or a flush failed). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async flush(): Promise<void> {
    const nc = this.nats();
    if (!nc || nc.isClosed()) return;
    try {
      if (this.streamReadyFor !== nc) {
        await ensureActionStream(nc, this.prefix);
        this.streamReadyFor = nc;
      }
      const js = jetstream(nc);
      for (;;) {
        const batch = await this.store.unpublished(100);
        if (!batch.length) return;
        const published: string[] = [];
        try {
          for (const { id, message } of batch) {
            await js.publish(actionStatusSubject(message.name, this.prefix), JSON.stringify(message), {
              msgID: `${message.uid}:${message.seq}`,
              timeout: 5_000,
            });
            published.push(id);
          }
        } finally {
          // One update per batch; a message published again after a failure is dropped by its msgID.
          if (published.length) await this.store.markPublished(published);
        }
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'publishing Action status changes failed; will retry');
    }
  }
}
