import { createLogger, loadEnvOrExit } from '@switchyard/service-kit';
import { connectorAgentEnv, scaleFromArgs } from './config.js';
import { loadChinookDataset, loadDatasetFile, syntheticDataset } from '@switchyard/dc-engine';
import { createConnectorAgentService } from './server.js';

const config = loadEnvOrExit(connectorAgentEnv);
const logger = createLogger({ name: 'connector-agent', level: config.LOG_LEVEL, format: config.LOG_FORMAT });

let scale: number;
let synthetic = config.DATASET === 'synthetic';
try {
  const scaleArg = scaleFromArgs(process.argv.slice(2));
  if (scaleArg !== undefined) synthetic = true;
  scale = scaleArg ?? config.SYNTHETIC_SCALE;
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
}

const started = Date.now();
let dataset;
try {
  dataset = config.DATASET_PATH
    ? await loadDatasetFile(config.DATASET_PATH)
    : synthetic
      ? syntheticDataset({ scale, seed: config.SYNTHETIC_SEED })
      : await loadChinookDataset();
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
}
logger.info(
  { origin: dataset.origin, tables: dataset.tables.size, rows: dataset.rowCount, ms: Date.now() - started },
  'data set loaded',
);

const service = createConnectorAgentService(
  {
    port: config.PORT,
    host: config.HOST,
    bodyLimit: config.BODY_LIMIT,
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    maxRequestDepth: config.MAX_REQUEST_DEPTH,
    maxSources: config.MAX_SOURCES,
    corsOrigins: config.CORS_ORIGINS,
    responseLimits: { maxRows: config.MAX_RESPONSE_ROWS, maxBytes: config.MAX_RESPONSE_BYTES },
  },
  { dataset, logger },
);
await service.listen();
service.exitOnSignals();
