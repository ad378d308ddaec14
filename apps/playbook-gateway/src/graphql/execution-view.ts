import type { ExecutionDetail, ExecutionSummary, RunPlaybookResponse } from '@switchyard/engine-client';
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

export function viewFromSummary(summary: ExecutionSummary): ExecutionView {
  return {
    id: summary.execution_id,
    name: summary.path,
    status: summary.status,
    result: summary.result ?? null,
    error: summary.error ?? null,
    startedAt: summary.started_at ?? null,
    endedAt: summary.ended_at ?? null,
    parentId: summary.parent_execution_id ?? null,
    lastSeq: summary.last_seq,
  };
}

export function viewFromDetail(detail: ExecutionDetail): ExecutionView {
  return { ...viewFromSummary(detail), events: detail.events };
}

export function viewFromRun(run: RunPlaybookResponse): ExecutionView {
  return {
    id: run.execution_id,
    name: run.path,
    status: run.status,
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
