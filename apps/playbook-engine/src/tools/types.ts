import type { ExecutionRecord as ExecutionSummary } from '../storage/records.js';
import type { AuthService } from '../auth/auth-service.js';

/** What a control-plane tool gets for one call. `config` is the step's tool block, already rendered. */
export interface ToolCall {
  config: Record<string, unknown>;
  args: Record<string, unknown>;
  step: string;
  executionId: string;
  signal: AbortSignal;
}

export interface ChildRunRequest {
  path: string;
  version?: number;
  args: Record<string, unknown>;
  parentExecutionId: string;
  signal: AbortSignal;
}

export interface ChildRunOutcome {
  execution: ExecutionSummary;
  /** Each step's result in the child, by step name (from its step.exit events). */
  stepResults: Record<string, unknown>;
}

/** Services the control-plane tools (noop, playbook, auth) use; tools that run user work go to workers. */
export interface ToolRuntime {
  auth: AuthService;
  runChild(request: ChildRunRequest): Promise<ChildRunOutcome>;
}

export type ToolHandler = (call: ToolCall, runtime: ToolRuntime) => Promise<unknown>;
