import type { ExecutionEventType, ExecutionStatus } from '@switchyard/execution-events';

/** One transition the runner appends to an execution's event log. */
export interface NewEvent {
  type: ExecutionEventType;
  /** The execution status this event moves to; defaults to the current one (at least RUNNING for step events). */
  status?: ExecutionStatus;
  step?: string;
  result?: unknown;
  error?: string;
}

/** Where the runner writes events; a falsy answer means the execution ended elsewhere (cancelled). */
export interface EventLog {
  append(executionId: string, event: NewEvent): Promise<unknown>;
}

/** Jinja templates over an execution context; rendering never runs code and has a time and size budget. */
export interface Templates {
  /** Renders every string inside a value; a string that is one `{{ expression }}` keeps its native type. */
  renderValue(value: unknown, context: Record<string, unknown>): Promise<unknown>;
  /** Evaluates a `case.when`: a boolean, a `{{ expression }}` or a bare expression. */
  evaluateCondition(when: string | boolean, context: Record<string, unknown>): Promise<boolean>;
}

/** One call of a tool for one step (or one loop item), with the step's rendered tool block and args. */
export interface ToolInvocation {
  kind: string;
  config: Record<string, unknown>;
  args: Record<string, unknown>;
  step: string;
  executionId: string;
  path: string;
  attempt: number;
  /** The time the call may take; the invoker enforces it where the work runs. */
  timeoutMs: number;
  signal: AbortSignal;
}

/** Runs a tool call where it belongs: control-plane tools in the engine, user code in a worker. */
export type ToolInvoker = (call: ToolInvocation) => Promise<unknown>;

/** Limits every execution is held to; each has a default and an environment variable in the engine. */
export interface RunnerLimits {
  /** Tool calls of one execution running at once. */
  maxParallel: number;
  /** Items one loop may iterate over. */
  maxLoopItems: number;
  /** Time a step's call may take when the step sets no `timeout`, and the most it may set. */
  stepTimeoutMs: number;
  /** Most attempts a `retry` may ask for. */
  maxRetryAttempts: number;
  /** Times one step may run in one execution (loop-back cycles, `case.then` retry and call); default 100. */
  maxStepVisits?: number;
  /** Pages a `collect` + pagination `retry` may gather before retries stop (NoETL's NOETL_PAGINATION_MAX_PAGES); default 100. */
  maxPaginationPages?: number;
}

export const DEFAULT_RUNNER_LIMITS: RunnerLimits = {
  maxParallel: 8,
  maxLoopItems: 10_000,
  stepTimeoutMs: 300_000,
  maxRetryAttempts: 10,
  maxStepVisits: 100,
  maxPaginationPages: 100,
};
