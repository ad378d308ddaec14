import type { NatsConnection } from '@nats-io/transport-node';
import { DeliverPolicy, jetstream, type Consumer, type ConsumerMessages } from '@nats-io/jetstream';
import { ensureExecutionStream } from './stream.js';
import { decodeExecutionEvent, isTerminalEvent, type ExecutionEvent } from './types.js';
import { EXECUTION_STREAM, executionSubject } from './subjects.js';
import { contextFromHeaders, setEventTrace } from './trace-headers.js';

export interface SubscribeExecutionOptions {
  /** First event seq to deliver (per-execution `seq`, from 1). Default 1. */
  fromSeq?: number;
  prefix?: string;
  stream?: string;
  /** Aborting ends the iteration without an error. */
  signal?: AbortSignal;
  /**
   * How long a pull may wait on the server (ms). The client notices a lost consumer after about
   * half of it, which bounds how quickly the subscription recovers after a NATS restart. Default 4000.
   */
  expiresMs?: number;
  /** Most messages the consumer fetches ahead of the reader (each may be large). Default 256. */
  maxMessages?: number;
}

/**
 * Reads one execution's events from JetStream with an ordered consumer, yields them in `seq` order
 * starting at `fromSeq`, each once, and completes after the terminal event (`playbook.completed`,
 * `playbook.failed` or `execution.cancelled`). A subscriber that arrives late replays from the stream.
 * Across a NATS reconnect the ordered consumer is recreated after the last stream message it saw, and
 * events are additionally de-duplicated and re-ordered by `seq`, so nothing is lost or delivered twice.
 */
export async function* subscribeExecutionEvents(
  nc: NatsConnection,
  executionId: string,
  options: SubscribeExecutionOptions = {},
): AsyncGenerator<ExecutionEvent, void, undefined> {
  const fromSeq = Math.max(1, Math.trunc(options.fromSeq ?? 1));
  const subject = executionSubject(executionId, options.prefix);
  const js = jetstream(nc);
  const stream = options.stream ?? EXECUTION_STREAM;
  const consumerOptions = { filter_subjects: subject, deliver_policy: DeliverPolicy.All };
  let consumer: Consumer;
  try {
    consumer = await js.consumers.get(stream, consumerOptions);
  } catch (error) {
    // A subscriber may arrive before any publisher created the stream.
    if ((error as Error).name !== 'StreamNotFoundError') throw error;
    await ensureExecutionStream(nc, { prefix: options.prefix, name: stream });
    consumer = await js.consumers.get(stream, consumerOptions);
  }
  const signal = options.signal;
  if (signal?.aborted) return;
  const messages: ConsumerMessages = await consumer.consume({
    max_messages: Math.max(1, Math.trunc(options.maxMessages ?? 256)),
    expires: Math.max(1_000, options.expiresMs ?? 4_000),
  });
  const onAbort = () => {
    void messages.close();
  };
  signal?.addEventListener('abort', onAbort, { once: true });

  let next = fromSeq;
  let terminalSeq: number | undefined;
  const pending = new Map<number, ExecutionEvent>();
  try {
    for await (const message of messages) {
      if (signal?.aborted) return;
      let event: ExecutionEvent;
      try {
        event = decodeExecutionEvent(message.data);
      } catch {
        continue; // not an execution event: ignore
      }
      if (event.executionId !== executionId) continue;
      if (message.headers) setEventTrace(event, contextFromHeaders(message.headers));
      if (isTerminalEvent(event))
        terminalSeq = terminalSeq === undefined ? event.seq : Math.min(terminalSeq, event.seq);
      if (event.seq >= next && !pending.has(event.seq)) pending.set(event.seq, event);
      let ready = pending.get(next);
      while (ready) {
        pending.delete(next);
        next++;
        yield ready;
        if (isTerminalEvent(ready)) return;
        ready = pending.get(next);
      }
      // The terminal event lies before fromSeq: nothing more will come.
      if (terminalSeq !== undefined && terminalSeq < next) return;
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await messages.close().catch(() => undefined);
  }
}

export interface WaitForTerminalOptions extends Omit<SubscribeExecutionOptions, 'fromSeq'> {
  /** Give up after this many ms with an error. Default 30000. */
  timeoutMs?: number;
}

/** Waits for an execution's terminal event on NATS (no polling) and returns it. */
export async function waitForTerminalEvent(
  nc: NatsConnection,
  executionId: string,
  options: WaitForTerminalOptions = {},
): Promise<ExecutionEvent> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const onOuterAbort = () => controller.abort();
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  try {
    for await (const event of subscribeExecutionEvents(nc, executionId, {
      ...options,
      signal: controller.signal,
    })) {
      if (isTerminalEvent(event)) return event;
    }
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onOuterAbort);
  }
  if (options.signal?.aborted) throw new Error(`Waiting for execution ${executionId} was aborted`);
  throw new Error(`Execution ${executionId} did not finish within ${timeoutMs} ms`);
}
