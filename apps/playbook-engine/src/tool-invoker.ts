import {
  isWorkerToolKind,
  StepConfigError,
  type StepDispatcher,
  type ToolInvoker,
} from '@switchyard/playbook-runtime';
import { AUTH_PLAYBOOK_PATHS } from './auth/playbooks.js';
import { CONTROL_PLANE_TOOLS } from './tools/registry.js';
import type { ToolRuntime } from './tools/types.js';

/**
 * Sends each tool call where it belongs: `http`, `postgres` and `python` (user-written work) to a worker through
 * the step queue; `noop`, `playbook` and `auth` (the control plane's own work) run here. The `auth` tool runs
 * only inside the engine's own auth playbooks.
 */
export function createToolInvoker(options: {
  runtime: ToolRuntime;
  dispatcher: () => StepDispatcher | undefined;
}): ToolInvoker {
  return async (call) => {
    if (isWorkerToolKind(call.kind)) {
      const dispatcher = options.dispatcher();
      if (!dispatcher) {
        throw new Error(
          `step "${call.step}": ${call.kind} steps run in workers, and the engine is not connected to NATS (set NATS_URL)`,
        );
      }
      const credential =
        typeof call.config.auth === 'string' && call.config.auth.length > 0 ? call.config.auth : undefined;
      return dispatcher.dispatch({ ...call, kind: call.kind }, credential);
    }
    if (call.kind === 'auth' && !AUTH_PLAYBOOK_PATHS.includes(call.path)) {
      throw new StepConfigError(
        `the auth tool runs only in the engine's own auth playbooks, not in "${call.path}"`,
      );
    }
    const handler = CONTROL_PLANE_TOOLS[call.kind as keyof typeof CONTROL_PLANE_TOOLS];
    if (!handler) throw new StepConfigError(`unknown tool kind "${call.kind}"`);
    return handler(
      {
        config: call.config,
        args: call.args,
        step: call.step,
        executionId: call.executionId,
        signal: call.signal,
      },
      options.runtime,
    );
  };
}
