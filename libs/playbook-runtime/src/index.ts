export { ExecutionRunner, StepConfigError } from './runner.js';
export type { RunnerDeps, RunnerExecution, RunnerLogger } from './runner.js';
export { Limiter } from './limiter.js';
export { DEFAULT_RUNNER_LIMITS } from './types.js';
export type { EventLog, NewEvent, RunnerLimits, Templates, ToolInvocation, ToolInvoker } from './types.js';
export {
  STEP_STREAM,
  STEP_COMMAND_SUBJECT,
  STEP_WORKER_CONSUMER,
  STEP_CANCEL_SUBJECT,
  WORKER_TOOL_KINDS,
  isWorkerToolKind,
  stepCommandSchema,
  workerReplySchema,
  commandToken,
} from './step-protocol.js';
export type { StepCommand, WorkerReply, WorkerToolKind } from './step-protocol.js';
export { ensureStepStream } from './step-stream.js';
export { StepDispatcher, StepCallError, WorkerLostError } from './step-dispatcher.js';
export type { ResolvedCredential, StepDispatcherOptions } from './step-dispatcher.js';
export { startStepWorker } from './step-worker.js';
export type {
  CodedError,
  StepCredential,
  StepExecutor,
  StepWorker,
  StepWorkerOptions,
} from './step-worker.js';
export { redactSecrets, isSecretKey, REDACTED } from './redact.js';
