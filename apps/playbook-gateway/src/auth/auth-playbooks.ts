import { isMissingRoute, type EngineClient, type RunSyncResponse } from '@switchyard/engine-client';
import { waitForTerminalEvent, type NatsConnection } from '@switchyard/execution-events';
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
  /**
   * NATS, for engines without `POST /api/run/sync` (a NoETL 2.5 server): the playbook is then started with
   * `POST /api/execute` and its result taken from its terminal event.
   */
  nats?: () => NatsConnection;
  subjectPrefix?: string;
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
  /** Whether the engine has `POST /api/run/sync`; learnt on first use. */
  private syncRoute: boolean | undefined;

  constructor(private readonly options: AuthPlaybooksOptions) {}

  /** Runs the playbook to its end: with `/api/run/sync` when the engine has it, else execute + NATS. */
  private async runToEnd(path: string, args: Record<string, unknown>): Promise<RunSyncResponse> {
    if (this.syncRoute !== false || !this.options.nats) {
      try {
        const outcome = await this.options.engine.runSync({ path, args, timeout_ms: this.options.timeoutMs });
        this.syncRoute = true;
        return outcome;
      } catch (error) {
        if (!isMissingRoute(error) || !this.options.nats) throw error;
        this.syncRoute = false;
      }
    }
    const started = await this.options.engine.execute({ path, payload: args });
    let event;
    try {
      event = await waitForTerminalEvent(this.options.nats(), started.execution_id, {
        timeoutMs: this.options.timeoutMs,
        ...(this.options.subjectPrefix ? { prefix: this.options.subjectPrefix } : {}),
      });
    } catch {
      return { execution_id: started.execution_id, status: 'RUNNING', error: null };
    }
    const status =
      event.status === 'COMPLETED' || event.status === 'FAILED' || event.status === 'CANCELLED'
        ? event.status
        : 'RUNNING';
    return {
      execution_id: started.execution_id,
      status,
      ...(event.result !== undefined ? { result: event.result } : {}),
      error: event.error ?? null,
    };
  }

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
      outcome = await this.runToEnd(path, args);
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
