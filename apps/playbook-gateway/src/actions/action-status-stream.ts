import { DeliverPolicy, jetstream, type ConsumerMessages } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  ACTION_STATUS_STREAM,
  actionStatusMessageSchema,
  actionStatusSubject,
  FINAL_ACTION_PHASES,
  type Action,
} from '@switchyard/engine-client';

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

/**
 * Every phase change of one Action (identified by name and uid) from JetStream, in `seq` order, each once,
 * starting with the first one the stream still holds; ends after a final phase (CANCELED, SUCCEEDED, FAILED).
 * The ordered consumer is recreated by the client after a NATS reconnect; seq keeps delivery exactly-once.
 */
export async function* actionPhaseChanges(
  nc: NatsConnection,
  action: { name: string; uid: string },
  signal: AbortSignal,
  options: { prefix?: string; expiresMs?: number } = {},
): AsyncGenerator<Action, void, undefined> {
  const js = jetstream(nc);
  const consumerOptions = {
    filter_subjects: actionStatusSubject(action.name, options.prefix),
    deliver_policy: DeliverPolicy.All,
  };
  let messages: ConsumerMessages | undefined;
  // The engine creates the stream with its first status message: wait for it rather than fail.
  while (!messages && !signal.aborted) {
    try {
      const consumer = await js.consumers.get(ACTION_STATUS_STREAM, consumerOptions);
      messages = await consumer.consume({ max_messages: 64, expires: options.expiresMs ?? 4_000 });
    } catch (error) {
      if ((error as Error).name !== 'StreamNotFoundError') throw error;
      await sleep(250, signal);
    }
  }
  if (!messages) return;
  const stream = messages;
  const onAbort = () => void stream.close();
  signal.addEventListener('abort', onAbort, { once: true });
  let last = 0;
  try {
    for await (const message of stream) {
      if (signal.aborted) return;
      const parsed = actionStatusMessageSchema.safeParse(message.json());
      if (!parsed.success || parsed.data.uid !== action.uid || parsed.data.seq <= last) continue;
      last = parsed.data.seq;
      yield parsed.data.action;
      if (FINAL_ACTION_PHASES.has(parsed.data.action.status.phase)) return;
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    await stream.close();
  }
}
