import { baseServiceEnv, envVar } from '@switchyard/service-kit';
import type { z } from 'zod';

/**
 * The worker's own variables. The tools' limits and egress policy (PYTHON_STEP_*, HTTP_TOOL_*, POSTGRES_TOOL_*)
 * are read by @switchyard/playbook-tools. A worker has no database URL, no credentials key and no engine token.
 */
export const workerEnv = {
  ...baseServiceEnv(8083),
  NATS_URL: envVar.string('nats://127.0.0.1:4222'),
  /** Step commands this worker runs at once. */
  WORKER_CONCURRENCY: envVar.int(8, 1, 1_000),
  /** How often a running step reports that its worker is alive. */
  WORKER_HEARTBEAT_MS: envVar.int(1_000, 100, 60_000),
  /** Set by an engine that starts its own workers: the worker shuts down once that process is gone. */
  WORKER_PARENT_PID: envVar.int(0, 0, 4_194_304),
};

export type WorkerConfig = z.infer<z.ZodObject<typeof workerEnv>>;
