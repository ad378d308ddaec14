import type { NatsConnection } from '@nats-io/transport-node';
import {
  AckPolicy,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type ConsumerMessages,
} from '@nats-io/jetstream';
import { context } from '@opentelemetry/api';
import { contextFromHeaders, rememberExecutionTrace, traceHeaders } from '@switchyard/execution-events';
import type { Logger } from '@switchyard/service-kit';

export const WORK_STREAM = 'PLAYBOOK_WORK';
export const WORK_SUBJECT = 'playbooks.work.start';
const WORKERS = 'playbook-engine-workers';

export interface WorkQueue {
  /** Queues an execution for whichever engine process has a free slot. */
  publish(executionId: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * The executions work queue shared by every engine process: a JetStream work-queue stream with one durable
 * pull consumer. Each process pulls only as many executions as it has free slots, so load spreads over
 * processes. `handle` claims the execution in the database; a message is acknowledged once handled.
 */
export async function openWorkQueue(options: {
  nc: NatsConnection;
  logger: Logger;
  freeSlots: () => number;
  waitForSlot: () => Promise<void>;
  handle: (executionId: string) => Promise<void>;
}): Promise<WorkQueue> {
  const { nc, logger } = options;
  const jsm = await jetstreamManager(nc);
  try {
    await jsm.streams.info(WORK_STREAM);
  } catch {
    await jsm.streams
      .add({
        name: WORK_STREAM,
        subjects: [WORK_SUBJECT],
        retention: RetentionPolicy.Workqueue,
        storage: StorageType.File,
      })
      .catch(async (error: unknown) => {
        // Created by another process meanwhile.
        await jsm.streams.info(WORK_STREAM).catch(() => {
          throw error;
        });
      });
  }
  await jsm.consumers
    .add(WORK_STREAM, {
      durable_name: WORKERS,
      ack_policy: AckPolicy.Explicit,
      ack_wait: 30_000_000_000,
      max_ack_pending: 10_000,
    })
    .catch(async (error: unknown) => {
      await jsm.consumers.info(WORK_STREAM, WORKERS).catch(() => {
        throw error;
      });
    });
  const js = jetstream(nc);
  const consumer = await js.consumers.get(WORK_STREAM, WORKERS);
  let closed = false;
  let current: ConsumerMessages | undefined;

  const loop = (async () => {
    while (!closed) {
      try {
        if (options.freeSlots() <= 0) {
          await options.waitForSlot();
          continue;
        }
        const batch = await consumer.fetch({
          max_messages: Math.min(16, options.freeSlots()),
          expires: 2_000,
        });
        current = batch;
        if (closed) batch.stop();
        for await (const message of batch) {
          const executionId = message.string();
          // The execution continues the trace of the request that queued it.
          const traced = contextFromHeaders(message.headers, context.active());
          rememberExecutionTrace(executionId, traced);
          try {
            await context.with(traced, () => options.handle(executionId));
          } catch (error) {
            logger.error({ err: error, executionId }, 'cannot start a queued execution');
          }
          message.ack();
        }
      } catch (error) {
        if (closed) break;
        logger.warn({ err: error }, 'work queue pull failed; retrying');
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  })();

  return {
    async publish(executionId) {
      const headers = traceHeaders();
      await js.publish(WORK_SUBJECT, executionId, { timeout: 2_000, ...(headers ? { headers } : {}) });
    },
    async close() {
      closed = true;
      current?.stop();
      await Promise.race([loop, new Promise((r) => setTimeout(r, 2_500))]);
    },
  };
}
