import { toolSettingsFromEnv } from '@switchyard/playbook-tools';
import { createLogger, loadEnvOrExit } from '@switchyard/service-kit';
import { workerEnv } from './config.js';
import { createWorkerService } from './worker-service.js';

const config = loadEnvOrExit(workerEnv);
const logger = createLogger({ name: 'playbook-worker', level: config.LOG_LEVEL, format: config.LOG_FORMAT });
const worker = await createWorkerService(config, toolSettingsFromEnv(process.env), { logger });
await worker.listen();
worker.service.exitOnSignals();
