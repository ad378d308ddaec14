import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { connectNats, type NatsConnection } from '@switchyard/execution-events';
import { startStepWorker, type CodedError, type StepWorker } from '@switchyard/playbook-runtime';
import { isToolError, runTool, type ToolErrorCode, type ToolSettings } from '@switchyard/playbook-tools';
import { Counter, createService, Gauge, type Logger, type Service } from '@switchyard/service-kit';
import type { WorkerConfig } from './config.js';

/** Failures in the step itself: retrying cannot mend them. */
const PERMANENT: ReadonlySet<ToolErrorCode> = new Set([
  'BAD_CONFIG',
  'CREDENTIAL_REQUIRED',
  'CREDENTIAL_INVALID',
  'EGRESS_DENIED',
  'UNKNOWN_TOOL',
]);

export interface WorkerService {
  service: Service;
  readonly workerId: string;
  listen: Service['listen'];
  shutdown(): Promise<void>;
}

/** Builds a worker: NATS link, the step loop running tools in their sandbox, health, readiness and metrics. */
export async function createWorkerService(
  config: WorkerConfig,
  tools: ToolSettings,
  deps: { logger?: Logger } = {},
): Promise<WorkerService> {
  const service = createService({
    name: 'playbook-worker',
    port: config.PORT,
    host: config.HOST,
    logger: deps.logger,
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  });
  const logger = service.logger;
  const workerId = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  const steps = new Counter({
    name: 'worker_steps_total',
    help: 'Step commands taken, by tool kind and outcome',
    labelNames: ['kind', 'outcome'],
    registers: [service.metrics],
  });

  let nc: NatsConnection | undefined;
  let worker: StepWorker | undefined;
  let closed = false;
  const ready = (async () => {
    while (!closed) {
      try {
        nc = await connectNats(config.NATS_URL, {
          name: `playbook-worker ${workerId}`,
          waitOnFirstConnect: true,
        });
        worker = await startStepWorker({
          nc,
          workerId,
          concurrency: config.WORKER_CONCURRENCY,
          heartbeatMs: config.WORKER_HEARTBEAT_MS,
          logger,
          onOutcome: (kind, outcome) => steps.inc({ kind, outcome }),
          execute: async (command, { signal, credential }) => {
            try {
              return await runTool(
                {
                  kind: command.kind,
                  config: command.config,
                  args: command.args,
                  step: command.step,
                  executionId: command.executionId,
                  signal,
                  ...(credential ? { credential } : {}),
                },
                tools,
              );
            } catch (error) {
              if (isToolError(error) && PERMANENT.has(error.code)) (error as CodedError).permanent = true;
              throw error;
            }
          },
        });
        logger.info({ workerId, concurrency: config.WORKER_CONCURRENCY }, 'worker taking step commands');
        return;
      } catch (error) {
        logger.warn({ err: error }, 'cannot reach NATS yet; retrying');
        await nc?.close().catch(() => undefined);
        await new Promise((r) => setTimeout(r, 1_000));
      }
    }
  })();

  new Gauge({
    name: 'worker_running_steps',
    help: 'Step commands running in this worker',
    registers: [service.metrics],
    collect() {
      this.set(worker?.running ?? 0);
    },
  });
  service.addReadinessCheck('nats', async () => {
    if (!worker || !nc || nc.isClosed()) throw new Error('not connected to NATS');
  });

  service.onShutdown(async () => {
    closed = true;
    await Promise.race([ready, new Promise((r) => setTimeout(r, 1_000))]);
    await worker?.close(Math.max(0, config.SHUTDOWN_TIMEOUT_MS - 2_000));
    await nc?.drain().catch(() => undefined);
  });

  return { service, workerId, listen: () => service.listen(), shutdown: () => service.shutdown() };
}
