import { createLogger, loadEnvOrExit } from '@switchyard/service-kit';
import { subgraphEnv } from './subgraph-env.js';
import type { SubgraphRuntimeOptions, SubgraphService } from './subgraph-service.js';

/** A subgraph's main(): reads its env (PORT default `defaultPort`), starts it, and drains on SIGTERM. */
export async function runSubgraph(
  name: string,
  defaultPort: number,
  create: (options: SubgraphRuntimeOptions) => Promise<SubgraphService>,
): Promise<SubgraphService> {
  const env = loadEnvOrExit(subgraphEnv(defaultPort));
  const logger = createLogger({ name, level: env.LOG_LEVEL, format: env.LOG_FORMAT });
  const subgraph = await create({
    port: env.PORT,
    host: env.HOST,
    logger,
    bodyLimit: env.BODY_LIMIT,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    introspection: env.INTROSPECTION,
    landingPage: env.LANDING_PAGE,
    corsOrigins: env.CORS_ORIGINS,
  });
  subgraph.service.exitOnSignals();
  await subgraph.service.listen();
  return subgraph;
}
