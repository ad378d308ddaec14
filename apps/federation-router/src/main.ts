import cluster from 'node:cluster';
import { createLogger, loadEnvOrExit } from '@switchyard/service-kit';
import { routerEnv } from './config.js';
import { createRouterService } from './server.js';
import { runPrimary } from './workers.js';

const config = loadEnvOrExit(routerEnv);
const logger = createLogger({
  name: 'federation-router',
  level: config.LOG_LEVEL,
  format: config.LOG_FORMAT,
});
if (config.WORKERS > 1 && cluster.isPrimary) {
  runPrimary(config.WORKERS, logger);
} else {
  await serve();
}

async function serve(): Promise<void> {
  try {
    const service = await createRouterService(config, { logger });
    const address = await service.listen();
    logger.info(
      { url: `${address.url}/graphql`, subgraphs: service.source.gateway.subgraphUrls() },
      'federation router ready',
    );
    service.exitOnSignals();
  } catch (error) {
    // A broken supergraph stops start-up with a message naming the type or field at fault.
    console.error(`federation-router: ${(error as Error).message}`);
    process.exit(1);
  }
}
