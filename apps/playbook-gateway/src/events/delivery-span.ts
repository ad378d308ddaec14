import { SpanKind, trace } from '@opentelemetry/api';
import { eventTraceOf, type ExecutionEvent } from '@switchyard/execution-events';

/**
 * Records that an execution event went out to a subscriber: a consumer span in the trace the event was
 * published in (carried by its NATS headers), so the trace reaches from the request to the client's feed.
 */
export function recordEventDelivery(event: ExecutionEvent, subscription: string): void {
  const parent = eventTraceOf(event);
  if (!parent) return;
  trace
    .getTracer('@switchyard/playbook-gateway')
    .startSpan(
      `gateway deliver ${event.type}`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          'switchyard.execution.id': event.executionId,
          'switchyard.event.type': event.type,
          'switchyard.event.seq': event.seq,
          'switchyard.subscription': subscription,
        },
      },
      parent,
    )
    .end();
}
