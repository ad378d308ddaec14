import { AckPolicy, jetstreamManager, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { STEP_COMMAND_SUBJECT, STEP_STREAM, STEP_WORKER_CONSUMER } from './step-protocol.js';

/**
 * Creates (or finds) the step-command work queue and the workers' shared durable consumer. Commands live in
 * memory only: a command can carry rendered arguments, which are not written to NATS's disk.
 */
export async function ensureStepStream(
  nc: NatsConnection,
  options: { ackWaitMs?: number } = {},
): Promise<void> {
  const jsm = await jetstreamManager(nc);
  try {
    await jsm.streams.info(STEP_STREAM);
  } catch {
    await jsm.streams
      .add({
        name: STEP_STREAM,
        subjects: [STEP_COMMAND_SUBJECT],
        retention: RetentionPolicy.Workqueue,
        storage: StorageType.Memory,
        max_age: 24 * 3600 * 1_000_000_000,
        duplicate_window: 120 * 1_000_000_000,
      })
      .catch(async (error: unknown) => {
        await jsm.streams.info(STEP_STREAM).catch(() => {
          throw error;
        });
      });
  }
  await jsm.consumers
    .add(STEP_STREAM, {
      durable_name: STEP_WORKER_CONSUMER,
      ack_policy: AckPolicy.Explicit,
      ack_wait: (options.ackWaitMs ?? 30_000) * 1_000_000,
      max_ack_pending: 10_000,
    })
    .catch(async (error: unknown) => {
      await jsm.consumers.info(STEP_STREAM, STEP_WORKER_CONSUMER).catch(() => {
        throw error;
      });
    });
}
