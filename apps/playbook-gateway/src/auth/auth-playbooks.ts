import type { EngineClient } from '@switchyard/engine-client';
import { waitForTerminalEvent } from '@switchyard/execution-events';
import type { z } from 'zod';
import { toUpstreamError, UpstreamError } from '../errors.js';
import type { NatsLink } from '../events/nats-link.js';
import {
  accessResultSchema,
  AUTH_PLAYBOOK_PATHS,
  loginResultSchema,
  validateResultSchema,
  type AccessResult,
  type LoginResult,
  type PermissionType,
  type ValidateResult,
} from './auth-results.js';

export interface AuthPlaybooksOptions {
  engine: EngineClient;
  nats: NatsLink;
  subjectPrefix: string;
  /** How long to wait for an auth playbook's terminal event. */
  timeoutMs: number;
}

export interface LoginInput {
  auth0_token: string;
  auth0_domain?: string;
  session_duration_hours?: number;
  client_ip?: string;
  client_user_agent?: string;
}

/**
 * Runs the engine's auth playbooks: starts the execution over REST, then waits for its terminal event on the
 * execution's NATS subject (JetStream replays it, so a run that finishes before the wait begins is not missed).
 */
export class AuthPlaybooks {
  constructor(private readonly options: AuthPlaybooksOptions) {}

  async run<S extends z.ZodType>(
    path: string,
    args: Record<string, unknown>,
    schema: S,
  ): Promise<z.infer<S>> {
    const nc = this.options.nats.require();
    let executionId: string;
    try {
      ({ execution_id: executionId } = await this.options.engine.runPlaybook({ path, args }));
    } catch (error) {
      throw toUpstreamError(error, `starting ${path}`);
    }
    let terminal;
    try {
      terminal = await waitForTerminalEvent(nc, executionId, {
        prefix: this.options.subjectPrefix,
        timeoutMs: this.options.timeoutMs,
      });
    } catch (error) {
      throw new UpstreamError(
        'ENGINE_ERROR',
        `${path} (execution ${executionId}) gave no result: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
    if (terminal.type !== 'playbook.completed') {
      throw new UpstreamError(
        'ENGINE_ERROR',
        `${path} (execution ${executionId}) ended ${terminal.status}${terminal.error ? `: ${terminal.error}` : ''}`,
      );
    }
    const parsed = schema.safeParse(terminal.result);
    if (!parsed.success) {
      throw new UpstreamError(
        'ENGINE_ERROR',
        `${path} (execution ${executionId}) returned an unexpected result`,
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
