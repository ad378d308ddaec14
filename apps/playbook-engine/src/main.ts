import { createLogger, loadEnvOrExit } from '@switchyard/service-kit';
import { engineEnv } from './config.js';
import { createEngineService } from './server.js';

const config = loadEnvOrExit(engineEnv);
const logger = createLogger({ name: 'playbook-engine', level: config.LOG_LEVEL, format: config.LOG_FORMAT });
const engine = await createEngineService(config, { logger });
await engine.listen();
engine.service.exitOnSignals();
