import type { NatsConnection } from '@nats-io/transport-node';
import type { EngineClient } from '@switchyard/engine-client';
import {
  advanceStatus,
  isTerminalEvent,
  isTerminalStatus,
  type ExecutionEvent,
  type ExecutionStatus,
} from '@switchyard/execution-events';
import type { GraphQLError } from 'graphql';
import { LRUCache } from 'lru-cache';
import { cancellableIterator } from '../events/cancellable-iterator.js';
import type { ExecutionFeeds } from '../events/execution-feeds.js';
import { viewFromDetail, type ExecutionView } from './execution-view.js';
import { gatewayError, toGraphQLError } from './graphql-errors.js';
import { isUpstreamError } from '../errors.js';
import { recordEventDelivery } from '../events/delivery-span.js';

/** One item of a subscription stream: a value, or an error that ends the stream. */
export type StreamItem<T> = { value: T } | { error: GraphQLError };

export interface SubscriptionDeps {
  /** Reads an execution for a status push at event `seq` (see {@link createExecutionReader}). */
  readExecution: (id: string, seq: number) => Promise<ExecutionView>;
  /** The NATS connection (throws EVENTS_UNAVAILABLE when there is none): checked before a stream starts. */
  nats: () => NatsConnection;
  feeds: ExecutionFeeds;
  onStart: () => void;
  onEnd: () => void;
  onForward: () => void;
}

/** A failure while streaming: an upstream error keeps its code, anything else means the event feed broke. */
function streamError(error: unknown): GraphQLError {
  if (isUpstreamError(error)) return toGraphQLError(error, 'reading execution events');
  return gatewayError('EVENTS_UNAVAILABLE', `Reading execution events failed: ${(error as Error).message}`);
}

/** Every event of an execution from `fromSeq`, in order, each once; ends after the terminal event. */
export function executionEventStream(
  deps: SubscriptionDeps,
  executionId: string,
  fromSeq: number,
): AsyncIterableIterator<StreamItem<ExecutionEvent>> {
  deps.nats();
  deps.onStart();
  return cancellableIterator(async function* (signal) {
    try {
      for await (const event of deps.feeds.events(executionId, fromSeq, signal)) {
        deps.onForward();
        recordEventDelivery(event, 'executionEvents');
        yield { value: event };
      }
    } catch (error) {
      if (!signal.aborted) yield { error: streamError(error) };
    }
  }, deps.onEnd);
}

/**
 * The execution now, then again each time its status moves forward; ends after a terminal status.
 * Status changes come from the shared execution feed, starting after the snapshot's last seq so none is missed.
 * Each pushed execution is re-read from the engine, or built from the event when the engine does not answer.
 */
export function executionStatusStream(
  deps: SubscriptionDeps,
  initial: ExecutionView,
): AsyncIterableIterator<StreamItem<ExecutionView>> {
  deps.nats();
  deps.onStart();
  return cancellableIterator(async function* (signal) {
    let current = initial;
    deps.onForward();
    yield { value: current };
    if (isTerminalStatus(current.status)) return;
    let status = current.status as ExecutionStatus;
    const fromSeq = (initial.lastSeq ?? 0) + 1;
    try {
      for await (const event of deps.feeds.events(initial.id, fromSeq, signal)) {
        const next = advanceStatus(status, event.status);
        if (next === status && !isTerminalEvent(event)) continue;
        status = next;
        current = await refresh(deps, current, event, status);
        deps.onForward();
        recordEventDelivery(event, 'executionStatus');
        yield { value: current };
        if (isTerminalStatus(status)) return;
      }
    } catch (error) {
      if (!signal.aborted) yield { error: streamError(error) };
    }
  }, deps.onEnd);
}

/**
 * Re-reads executions from the engine for status pushes; subscribers of one execution receive each event at
 * nearly the same moment from the shared feed, so reads of the same execution at the same event are shared.
 */
export function createExecutionReader(engine: EngineClient, remember = 1_000) {
  // Reads stay shared after they finish (an execution's state at a given seq does not change); failures are dropped.
  const reads = new LRUCache<string, Promise<ExecutionView>>({ max: remember });
  return (id: string, seq: number): Promise<ExecutionView> => {
    const key = `${id}:${seq}`;
    let read = reads.get(key);
    if (!read) {
      read = engine.getExecution(id).then(viewFromDetail);
      reads.set(key, read);
      read.catch(() => {
        if (reads.get(key) === read) reads.delete(key);
      });
    }
    return read;
  };
}

async function refresh(
  deps: SubscriptionDeps,
  previous: ExecutionView,
  event: ExecutionEvent,
  status: ExecutionStatus,
): Promise<ExecutionView> {
  const terminal = isTerminalEvent(event);
  const fallback: ExecutionView = {
    ...previous,
    status,
    events: undefined,
    lastSeq: event.seq,
    ...(status === 'RUNNING' && !previous.startedAt ? { startedAt: event.timestamp } : {}),
    ...(terminal
      ? { endedAt: event.timestamp, result: event.result ?? null, error: event.error ?? null }
      : {}),
  };
  try {
    const fresh = await deps.readExecution(previous.id, event.seq);
    // The engine has the event before NATS does, but keep the status monotonic whatever it says.
    return { ...fresh, status: advanceStatus(status, fresh.status as ExecutionStatus) };
  } catch {
    return fallback;
  }
}
