import { toolSettingsFromEnv } from '@switchyard/playbook-tools';
import { createLogger, loadEnvOrExit } from '@switchyard/service-kit';
import { workerEnv } from './config.js';
import { createWorkerService } from './worker-service.js';

const config = loadEnvOrExit(workerEnv);
const logger = createLogger({ name: 'playbook-worker', level: config.LOG_LEVEL, format: config.LOG_FORMAT });
const worker = await createWorkerService(config, toolSettingsFromEnv(process.env), { logger });
await worker.listen();
worker.service.exitOnSignals();
// A worker the engine started (ENGINE_LOCAL_WORKERS) ends with it, even when the engine is killed: once the
// engine is gone the worker is re-parented, so its parent pid changes.
if (config.WORKER_PARENT_PID > 0) {
  const parentWatch = setInterval(() => {
    if (process.ppid === config.WORKER_PARENT_PID) return;
    clearInterval(parentWatch);
    // Bounded: a drain that cannot finish (NATS gone too) does not keep the process alive.
    setTimeout(() => process.exit(1), config.SHUTDOWN_TIMEOUT_MS + 2_000).unref();
    void worker.shutdown().finally(() => process.exit(0));
    try {
      logger.warn('the engine that started this worker is gone; shutting down');
    } catch {
      // The engine's stdout, which this worker shares, may be gone with it.
    }
  }, 1_000);
  parentWatch.unref();
}
