import {
  EXECUTION_EVENT_TYPES,
  EXECUTION_STATUSES,
  executionEventSchema,
  isTerminalEvent,
  type ExecutionEvent,
  type ExecutionEventType,
  type ExecutionStatus,
} from '@switchyard/execution-events';
import type { ExecutionDetail, ExecutionLogEvent } from './execution-schemas.js';

const TYPES = new Set<string>(EXECUTION_EVENT_TYPES);
const STATUSES = new Set<string>(EXECUTION_STATUSES);

function statusOf(value: unknown): ExecutionStatus {
  const upper = typeof value === 'string' ? value.toUpperCase() : '';
  return STATUSES.has(upper) ? (upper as ExecutionStatus) : 'RUNNING';
}

/**
 * An execution's events in our shape. Our engine sends them alongside NoETL's fields; from a NoETL server they
 * are rebuilt from its event rows (`event_type`, `node_name`, `status`, ...), keeping the types we know.
 */
export function executionEventsOf(
  detail: Pick<ExecutionDetail, 'execution_id' | 'events'>,
): ExecutionEvent[] {
  const events: ExecutionEvent[] = [];
  for (const row of detail.events) {
    const ours = executionEventSchema.safeParse(row);
    if (ours.success) {
      events.push(ours.data);
      continue;
    }
    if (!TYPES.has(row.event_type)) continue;
    events.push(fromNoetlRow(detail.execution_id, row, events.length + 1));
  }
  return events;
}

function fromNoetlRow(executionId: string, row: ExecutionLogEvent, seq: number): ExecutionEvent {
  return {
    eventId: row.event_id,
    executionId,
    ...(row.parent_execution_id ? { parentExecutionId: row.parent_execution_id } : {}),
    seq,
    type: row.event_type as ExecutionEventType,
    status: statusOf(row.status),
    ...(row.node_name ? { step: row.node_name } : {}),
    timestamp: row.timestamp ?? row.created_at ?? new Date(0).toISOString(),
    ...(row.result !== undefined && row.result !== null ? { result: row.result } : {}),
    ...(row.error ? { error: row.error } : {}),
  };
}

/** The execution's result: ours when sent, else the result of its terminal event. */
export function executionResultOf(detail: ExecutionDetail): unknown {
  if (detail.result !== undefined) return detail.result;
  const terminal = executionEventsOf(detail).findLast((e) => isTerminalEvent(e));
  return terminal?.result ?? null;
}
