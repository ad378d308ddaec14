/** Tool kinds a worker executes. */
export type ToolKind = 'http' | 'postgres' | 'python';

/** The one credential a step names, resolved by the engine and sent with the step command. */
export interface ToolCredential {
  name: string;
  type: string;
  data: Record<string, unknown>;
}

/** One tool invocation as a worker receives it. */
export interface ToolCall {
  kind: ToolKind;
  /** The step's tool block, already rendered (python's `code` is passed raw). */
  config: Record<string, unknown>;
  args: Record<string, unknown>;
  step: string;
  executionId: string;
  signal: AbortSignal;
  credential?: ToolCredential;
}
