import type { EngineClient } from '@switchyard/engine-client';
import type { z } from 'zod';
import { toUpstreamError, UpstreamError } from '../errors.js';
import {
  accessResultSchema,
  AUTH_PLAYBOOK_PATHS,
  loginResultSchema,
  logoutResultSchema,
  validateResultSchema,
  type AccessResult,
  type LoginResult,
  type LogoutResult,
  type PermissionType,
  type ValidateResult,
} from './auth-results.js';

export interface AuthPlaybooksOptions {
  engine: EngineClient;
  /** How long an auth playbook may run. */
  timeoutMs: number;
}

export interface LoginInput {
  auth0_token: string;
  auth0_domain?: string;
  session_duration_hours?: number;
  client_ip?: string;
  client_user_agent?: string;
}

/** Runs the engine's auth playbooks. */
export class AuthPlaybooks {
  constructor(private readonly options: AuthPlaybooksOptions) {}

  /**
   * Runs an auth playbook in the engine and takes its result from the engine's answer: results of auth playbooks
   * hold session tokens, which the engine stores and publishes only as redactions.
   */
  async run<S extends z.ZodType>(
    path: string,
    args: Record<string, unknown>,
    schema: S,
  ): Promise<z.infer<S>> {
    let outcome;
    try {
      outcome = await this.options.engine.runSync({ path, args, timeout_ms: this.options.timeoutMs });
    } catch (error) {
      throw toUpstreamError(error, `running ${path}`);
    }
    if (outcome.status !== 'COMPLETED') {
      throw new UpstreamError(
        'ENGINE_ERROR',
        outcome.status === 'RUNNING'
          ? `${path} (execution ${outcome.execution_id}) gave no result within ${this.options.timeoutMs} ms`
          : `${path} (execution ${outcome.execution_id}) ended ${outcome.status}${outcome.error ? `: ${outcome.error}` : ''}`,
      );
    }
    const parsed = schema.safeParse(outcome.result);
    if (!parsed.success) {
      throw new UpstreamError(
        'ENGINE_ERROR',
        `${path} (execution ${outcome.execution_id}) returned an unexpected result`,
      );
    }
    return parsed.data;
  }

  login(input: LoginInput): Promise<LoginResult> {
    return this.run(AUTH_PLAYBOOK_PATHS.login, { ...input }, loginResultSchema);
  }

  validateSession(sessionToken: string): Promise<ValidateResult> {
    return this.run(AUTH_PLAYBOOK_PATHS.validate, { session_token: sessionToken }, validateResultSchema);
  }

  /** Revokes the session in the engine's database. */
  logout(sessionToken: string): Promise<LogoutResult> {
    return this.run(AUTH_PLAYBOOK_PATHS.logout, { session_token: sessionToken }, logoutResultSchema);
  }

  checkAccess(
    sessionToken: string,
    playbookPath: string,
    permissionType: PermissionType | string,
  ): Promise<AccessResult> {
    return this.run(
      AUTH_PLAYBOOK_PATHS.checkAccess,
      { session_token: sessionToken, playbook_path: playbookPath, permission_type: permissionType },
      accessResultSchema,
    );
  }
}
