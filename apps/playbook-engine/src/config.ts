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
  /** Tokens accepted on the REST API (comma-separated, for rotation); required with NODE_ENV=production. */
  ENGINE_API_TOKEN: envVar.list([]),
  /** Worker processes the engine starts itself; 0 when workers run as their own service. */
  ENGINE_LOCAL_WORKERS: envVar.int(2, 0, 64),
  /** Step commands each local worker runs at once. */
  WORKER_CONCURRENCY: envVar.int(8, 1, 1_000),
  /** A running step whose worker sends no heartbeat for this long fails (and may be retried by its policy). */
  WORKER_HEARTBEAT_TIMEOUT_MS: envVar.int(10_000, 500, 600_000),
  ENGINE_MAX_PLAYBOOK_DEPTH: envVar.int(10, 1, 100),
  ENGINE_MAX_CHILD_EXECUTIONS: envVar.int(100, 1, 100_000),
  ENGINE_MAX_LOOP_ITEMS: envVar.int(10_000, 1, 10_000_000),
  ENGINE_STEP_TIMEOUT_S: envVar.int(300, 1, 86_400),
  ENGINE_MAX_RETRY_ATTEMPTS: envVar.int(10, 1, 1_000),
  /** Times one step may run in one execution (loop-back cycles, case.then retry and call). */
  ENGINE_MAX_STEP_VISITS: envVar.int(100, 1, 1_000_000),
  /** Python helper processes that render templates (Jinja2 sandbox). */
  TEMPLATE_HELPERS: envVar.int(2, 1, 64),
  /** Time budget of one render. */
  TEMPLATE_TIMEOUT_MS: envVar.int(1_000, 10, 60_000),
  /** Largest output of one template. */
  TEMPLATE_MAX_OUTPUT_BYTES: envVar.int(1024 * 1024, 1_024, 256 * 1024 * 1024),
  /** Address-space limit of each template helper. */
  TEMPLATE_MEMORY_BYTES: envVar.int(512 * 1024 * 1024, 64 * 1024 * 1024, Number.MAX_SAFE_INTEGER),
  /** Nesting depth of request JSON (args, payloads) beyond which a request is refused with 400. */
  ENGINE_MAX_JSON_DEPTH: envVar.int(64, 4, 10_000),
  WORK_QUEUE: envVar.bool(false),
  EVENT_RESULT_LIMIT_BYTES: envVar.int(256 * 1024, 1_024, 900 * 1024),
};

export type EngineConfig = z.infer<z.ZodObject<typeof engineEnv>>;
