import { isTerminalStatus, type ExecutionEvent } from '@switchyard/execution-events';
import type {
  CancellationCheckResponse,
  CatalogEntry,
  ExecutionDetail,
  ExecutionLogEvent,
  ExecutionStatusResponse,
  ExecutionSummary,
} from '@switchyard/engine-client';
import type { CatalogRecord } from '../storage/catalog-store.js';
import type { StoredEventRow } from '../storage/execution-store.js';
import type { ExecutionRecord } from '../storage/records.js';

/** The answers of NoETL 2.5's routes, built from what the engine stores; our own fields ride along. */

export function catalogEntryOf(record: CatalogRecord): CatalogEntry {
  return {
    catalog_id: record.catalog_id,
    path: record.path,
    version: record.version,
    kind: record.kind,
    content: record.content,
    layout: null,
    payload: record.payload,
    meta: {},
    created_at: record.created_at,
    name: record.name,
    description: record.description,
  };
}

/** NoETL's progress: 100 once ended, else 0 (NoETL 2.5 always answers 0). */
function progressOf(record: ExecutionRecord): number {
  return isTerminalStatus(record.status) ? 100 : 0;
}

export function executionEntryOf(record: ExecutionRecord): ExecutionSummary {
  return {
    execution_id: record.execution_id,
    catalog_id: record.catalog_id,
    path: record.path,
    version: record.version,
    status: record.status,
    start_time: record.started_at ?? record.created_at,
    end_time: record.ended_at,
    progress: progressOf(record),
    result: record.result,
    error: record.error,
    parent_execution_id: record.parent_execution_id,
    args: record.args,
    last_seq: record.last_seq,
    created_at: record.created_at,
    started_at: record.started_at,
    ended_at: record.ended_at,
    created_by: record.created_by,
  };
}

/** A NoETL event row (`event_id`, `event_type`, `node_name`, ...) carrying our event's own fields too. */
export function eventRowOf(record: ExecutionRecord, row: StoredEventRow): ExecutionLogEvent & ExecutionEvent {
  const event = row.event;
  return {
    ...event,
    event_id: row.id,
    execution_id: record.execution_id,
    event_type: event.type,
    node_id: event.step ?? null,
    node_name: event.step ?? null,
    status: event.status,
    created_at: row.createdAt,
    context: null,
    catalog_id: record.catalog_id,
    parent_execution_id: record.parent_execution_id,
    parent_event_id: null,
    duration: null,
  };
}

export function executionDetailOf(record: ExecutionRecord, rows: StoredEventRow[]): ExecutionDetail {
  return {
    execution_id: record.execution_id,
    path: record.path,
    status: record.status,
    start_time: record.started_at ?? record.created_at,
    end_time: record.ended_at,
    parent_execution_id: record.parent_execution_id,
    events: rows.map((row) => eventRowOf(record, row)),
    catalog_id: record.catalog_id,
    version: record.version,
    result: record.result,
    error: record.error,
    last_seq: record.last_seq,
    args: record.args,
    created_at: record.created_at,
    started_at: record.started_at,
    ended_at: record.ended_at,
    created_by: record.created_by,
  };
}

/**
 * NoETL's engine state: the step running now (entered, not left), the steps that ended, failed and completed,
 * and the execution's variables (its input).
 */
export function executionStateOf(record: ExecutionRecord, events: ExecutionEvent[]): ExecutionStatusResponse {
  const completed: string[] = [];
  const open = new Set<string>();
  let lastStep: string | null = null;
  for (const event of events) {
    if (!event.step) continue;
    lastStep = event.step;
    if (event.type === 'step.enter') open.add(event.step);
    if (event.type === 'step.exit') {
      open.delete(event.step);
      if (!completed.includes(event.step)) completed.push(event.step);
    }
  }
  const ended = isTerminalStatus(record.status);
  return {
    execution_id: record.execution_id,
    current_step: ended ? lastStep : ([...open].at(-1) ?? lastStep),
    completed_steps: completed,
    failed: record.status === 'FAILED',
    completed: ended,
    variables: record.args,
    status: record.status,
    last_seq: record.last_seq,
    result: record.result,
    error: record.error,
  };
}

export function cancellationCheckOf(
  record: ExecutionRecord,
  events: ExecutionEvent[],
): CancellationCheckResponse {
  const latest = events.at(-1);
  return {
    execution_id: record.execution_id,
    status: latest?.status ?? record.status,
    event_type: latest?.type ?? null,
    cancelled: record.status === 'CANCELLED' || events.some((e) => e.type === 'execution.cancelled'),
    completed: record.status === 'COMPLETED',
    failed: record.status === 'FAILED',
  };
}

/**
 * NoETL's CLI sends playbooks base64-encoded and its server decodes what decodes: text that is valid base64 of
 * UTF-8 text is taken decoded, anything else as is.
 */
export function decodeContent(content: string): string {
  const compact = content.replace(/\s+/g, '');
  if (compact.length === 0 || compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact))
    return content;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(compact, 'base64'));
    // eslint-disable-next-line no-control-regex
    return /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(text) ? content : text;
  } catch {
    return content;
  }
}
