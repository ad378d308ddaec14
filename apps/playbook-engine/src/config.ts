import { baseServiceEnv, envVar } from '@switchyard/service-kit';
import type { z } from 'zod';

/** Every environment variable the engine reads (see docs/playbook-engine.md). */
export const engineEnv = {
  ...baseServiceEnv(8082),
  NATS_URL: envVar.string('nats://127.0.0.1:4222'),
  NATS_UPDATES_SUBJECT_PREFIX: envVar.string('playbooks.executions.'),
  DATABASE_URL: envVar.optionalUrl(),
  ENGINE_DATA_DIR: envVar.string('./.data/engine'),
  CREDENTIALS_KEY: envVar.optionalString(),
  AUTH_ISSUER: envVar.optionalString(),
  AUTH_AUDIENCE: envVar.optionalString(),
  AUTH_JWKS_URL: envVar.optionalUrl(),
  AUTH_DEV_ISSUER: envVar.bool(false),
  AUTH_DEFAULT_ROLE: envVar.string('user'),
  AUTH_ADMIN_EMAILS: envVar.list([]),
  AUTH_SESSION_HOURS: envVar.int(8, 1, 720),
  REGISTER_EXAMPLES: envVar.bool(true),
  PLAYBOOKS_DIR: envVar.optionalString(),
  MAX_PARALLEL_STEPS: envVar.int(8, 1, 256),
  MAX_ACTIVE_EXECUTIONS: envVar.int(32, 1, 10_000),
  EXECUTION_LEASE_MS: envVar.int(15_000, 300, 600_000),
  ACTIONS_MAX_DEPTH: envVar.int(10, 1, 100),
  ACTIONS_RECONCILE_MS: envVar.int(1_000, 100, 600_000),
  PYTHON_BIN: envVar.string('python3'),
  HTTP_TOOL_TIMEOUT_MS: envVar.int(30_000, 100, 600_000),
  WORK_QUEUE: envVar.bool(false),
  EVENT_RESULT_LIMIT_BYTES: envVar.int(256 * 1024, 1_024, 900 * 1024),
};

export type EngineConfig = z.infer<z.ZodObject<typeof engineEnv>>;
