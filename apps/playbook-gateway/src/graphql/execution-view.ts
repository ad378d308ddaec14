import {
  executionEventsOf,
  executionResultOf,
  type ExecutionDetail,
  type ExecutionSummary,
  type RunPlaybookResponse,
} from '@switchyard/engine-client';
import type { ExecutionEvent } from '@switchyard/execution-events';

/** What the `Execution` type resolves from: an engine summary or detail, or a just-started run. */
export interface ExecutionView {
  id: string;
  name: string;
  status: string | null;
  result: unknown;
  error: string | null;
  startedAt: string | null;
  endedAt: string | null;
  parentId: string | null;
  /** Present when the engine already sent them (a detail); otherwise loaded on demand. */
  events?: ExecutionEvent[];
  lastSeq?: number;
}

/** NoETL spells statuses in upper case in its logs and `"running"` when a run starts: one spelling here. */
function statusOf(status: string | null | undefined): string | null {
  return status ? status.toUpperCase() : null;
}

/** From an entry of `GET /api/executions` (NoETL's fields; ours when the engine sends them). */
export function viewFromSummary(summary: ExecutionSummary): ExecutionView {
  return {
    id: summary.execution_id,
    name: summary.path,
    status: statusOf(summary.status),
    result: summary.result ?? null,
    error: summary.error ?? null,
    startedAt: summary.started_at ?? summary.start_time ?? null,
    endedAt: summary.ended_at ?? summary.end_time ?? null,
    parentId: summary.parent_execution_id ?? null,
    ...(summary.last_seq !== undefined ? { lastSeq: summary.last_seq } : {}),
  };
}

/** From `GET /api/executions/{id}`: the events in our shape (rebuilt from NoETL's rows when needed). */
export function viewFromDetail(detail: ExecutionDetail): ExecutionView {
  const events = executionEventsOf(detail);
  return {
    id: detail.execution_id,
    name: detail.path,
    status: statusOf(detail.status),
    result: executionResultOf(detail) ?? null,
    error: detail.error ?? events.findLast((e) => e.error)?.error ?? null,
    startedAt: detail.started_at ?? detail.start_time ?? null,
    endedAt: detail.ended_at ?? detail.end_time ?? null,
    parentId: detail.parent_execution_id ?? null,
    events,
    lastSeq: detail.last_seq ?? events.at(-1)?.seq ?? 0,
  };
}

/** From the answer of `POST /api/run/playbook`: `engine_status` (ours) when sent, else NoETL's status. */
export function viewFromRun(run: RunPlaybookResponse): ExecutionView {
  return {
    id: run.execution_id,
    name: run.path ?? '',
    status: statusOf(run.engine_status ?? run.status),
    result: null,
    error: null,
    startedAt: null,
    endedAt: null,
    parentId: run.parent_execution_id ?? null,
  };
}

/** NoETL Gateway's `textOutput`: the result as text (JSON unless it is a string), else the error. */
export function textOutput(view: Pick<ExecutionView, 'result' | 'error'>): string | null {
  if (typeof view.result === 'string') return view.result;
  if (view.result !== null && view.result !== undefined) return JSON.stringify(view.result);
  return view.error ?? null;
}
