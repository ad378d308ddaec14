import { createLogger, loadEnvOrExit } from '@switchyard/service-kit';
import { gatewayEnv, resolveGatewayConfig } from './config.js';
import { createGatewayService } from './server.js';

const config = resolveGatewayConfig(loadEnvOrExit(gatewayEnv));
const logger = createLogger({ name: 'playbook-gateway', level: config.LOG_LEVEL, format: config.LOG_FORMAT });
const gateway = await createGatewayService(config, { logger });
await gateway.listen();
gateway.service.exitOnSignals();
