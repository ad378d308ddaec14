import type { ExecutionStatus } from '@switchyard/execution-events';

/** An execution as the engine stores it (the REST answers are built from it in `http/noetl-views.ts`). */
export interface ExecutionRecord {
  execution_id: string;
  path: string;
  version: number;
  catalog_id: string;
  status: ExecutionStatus;
  parent_execution_id: string | null;
  args: Record<string, unknown>;
  result: unknown;
  error: string | null;
  last_seq: number;
  created_at: string;
  started_at: string | null;
  ended_at: string | null;
  created_by: string | null;
}

/** What starting an execution gives back. */
export interface StartedExecution {
  execution_id: string;
  status: ExecutionStatus;
  path: string;
  version: number;
  catalog_id: string;
  parent_execution_id: string | null;
}

/** What cancelling an execution did. */
export interface CancelOutcome {
  execution_id: string;
  status: ExecutionStatus;
  cancelled_execution_ids: string[];
  message: string;
}
