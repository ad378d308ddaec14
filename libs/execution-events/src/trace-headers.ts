import { context, propagation, ROOT_CONTEXT, type Context } from '@opentelemetry/api';
import { headers, type MsgHdrs } from '@nats-io/transport-node';
import type { ExecutionEvent } from './types.js';

/**
 * NATS message headers carrying the W3C `traceparent` (and `baggage`, with the request id) of `ctx`; undefined
 * when there is nothing to carry, so untraced messages stay header-less.
 */
export function traceHeaders(ctx: Context = context.active(), into?: MsgHdrs): MsgHdrs | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  const entries = Object.entries(carrier);
  if (entries.length === 0) return into;
  const result = into ?? headers();
  for (const [key, value] of entries) result.set(key, value);
  return result;
}

/** The trace context a message's headers carry (on top of `base`, by default an empty context). */
export function contextFromHeaders(hdrs: MsgHdrs | undefined, base: Context = ROOT_CONTEXT): Context {
  if (!hdrs) return base;
  return propagation.extract(base, hdrs, {
    keys: (h) => h.keys(),
    get: (h, key) => (h.has(key) ? h.get(key) : undefined),
  });
}

const MAX_REMEMBERED = 10_000;
const executionContexts = new Map<string, Context>();

/**
 * Remembers the trace an execution belongs to (the request that started it), so that its events, published
 * later from the outbox, carry that trace in their headers.
 */
export function rememberExecutionTrace(executionId: string, ctx: Context = context.active()): void {
  executionContexts.delete(executionId);
  executionContexts.set(executionId, ctx);
  if (executionContexts.size > MAX_REMEMBERED)
    executionContexts.delete(executionContexts.keys().next().value!);
}

export function executionTraceOf(executionId: string): Context | undefined {
  return executionContexts.get(executionId);
}

const eventContexts = new WeakMap<ExecutionEvent, Context>();

/** Set by the subscriber from the message headers an event arrived with. */
export function setEventTrace(event: ExecutionEvent, ctx: Context): void {
  eventContexts.set(event, ctx);
}

/** The trace context a delivered event was published in, if its message carried one. */
export function eventTraceOf(event: ExecutionEvent): Context | undefined {
  return eventContexts.get(event);
}
