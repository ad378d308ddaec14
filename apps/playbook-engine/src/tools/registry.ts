import type { ToolHandler } from './types.js';

/** `noop`: its `result` if given, else the step's args (or null). */
const noopTool: ToolHandler = async ({ config, args }) =>
  config.result !== undefined ? config.result : Object.keys(args).length > 0 ? args : null;

/** `playbook`: runs a child execution and returns its result (or its `return_step`'s result). */
const playbookTool: ToolHandler = async ({ config, executionId, signal }, runtime) => {
  const outcome = await runtime.runChild({
    path: String(config.path),
    version: typeof config.version === 'number' ? config.version : undefined,
    args: (config.args ?? {}) as Record<string, unknown>,
    parentExecutionId: executionId,
    signal,
  });
  const child = outcome.execution;
  if (child.status !== 'COMPLETED') {
    throw new Error(
      `child execution ${child.execution_id} (${child.path}) ended ${child.status}${child.error ? `: ${child.error}` : ''}`,
    );
  }
  if (typeof config.return_step === 'string') {
    if (!(config.return_step in outcome.stepResults)) {
      throw new Error(
        `child execution ${child.execution_id} has no result for return_step "${config.return_step}"`,
      );
    }
    return outcome.stepResults[config.return_step];
  }
  return child.result;
};

/** `auth`: login, validate_session, check_access and logout against the engine's users, roles and sessions. */
const authTool: ToolHandler = async ({ config }, runtime) => {
  switch (config.action) {
    case 'login':
      return runtime.auth.login({
        token: String(config.token ?? ''),
        sessionDurationHours: config.session_duration_hours,
        clientIp: config.client_ip,
        clientUserAgent: config.client_user_agent,
      });
    case 'validate_session':
      return runtime.auth.validateSession(String(config.session_token ?? ''));
    case 'check_access':
      return runtime.auth.checkAccess(
        String(config.session_token ?? ''),
        String(config.playbook_path ?? ''),
        String(config.permission_type ?? 'execute'),
      );
    case 'logout':
      return runtime.auth.logout(String(config.session_token ?? ''));
    default:
      throw new Error(`auth tool: unknown action "${String(config.action)}"`);
  }
};

/**
 * Tools that run in the engine because they are the control plane's own work; `http`, `postgres` and `python`
 * run user-written work and only ever run in a worker.
 */
export const CONTROL_PLANE_TOOLS: Record<'playbook' | 'noop' | 'auth', ToolHandler> = {
  playbook: playbookTool,
  noop: noopTool,
  auth: authTool,
};
