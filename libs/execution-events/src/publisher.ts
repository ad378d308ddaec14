import type { NatsConnection } from '@nats-io/transport-node';
import { jetstream, type PubAck } from '@nats-io/jetstream';
import { encodeExecutionEvent, executionEventSchema, type ExecutionEvent } from './types.js';
import { executionSubject } from './subjects.js';
import { executionTraceOf, traceHeaders } from './trace-headers.js';

export interface EventPublisherOptions {
  prefix?: string;
  /** Milliseconds to wait for the stream's acknowledgement; default 5000. */
  timeoutMs?: number;
}

export interface EventPublisher {
  /**
   * Publishes one event to its execution's subject with `Nats-Msg-Id` = eventId and waits for the
   * JetStream acknowledgement. Republishing the same event inside the duplicate window is a no-op
   * (`ack.duplicate` is true).
   */
  publish(event: ExecutionEvent): Promise<PubAck>;
}

export function createEventPublisher(
  nc: NatsConnection,
  options: EventPublisherOptions = {},
): EventPublisher {
  const js = jetstream(nc);
  return {
    async publish(event) {
      const valid = executionEventSchema.parse(event);
      return js.publish(executionSubject(valid.executionId, options.prefix), encodeExecutionEvent(valid), {
        msgID: valid.eventId,
        timeout: options.timeoutMs ?? 5_000,
        headers: traceHeaders(executionTraceOf(valid.executionId)),
      });
    },
  };
}
