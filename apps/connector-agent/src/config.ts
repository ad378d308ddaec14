import { baseServiceEnv, envVar, parseEnv, type Env } from '@switchyard/service-kit';

/** Environment variables of the connector agent. */
export const connectorAgentEnv = {
  ...baseServiceEnv(8100),
  /** A `{ Table: [rows] }` JSON file (`.json` or `.json.gz`); wins over DATASET when set. */
  DATASET_PATH: envVar.optionalString(),
  /** The built-in data set: `chinook` (bundled, 15,607 rows) or `synthetic` (generated, SYNTHETIC_SCALE). */
  DATASET: envVar.enumOf(['chinook', 'synthetic'] as const, 'chinook'),
  /** Scale of the synthetic data set (1 = Chinook's 15,607 rows; 100 = about 1.56M rows). `--scale N` overrides it. */
  SYNTHETIC_SCALE: envVar.int(1, 1, 1000),
  /** Seed of the synthetic data set. */
  SYNTHETIC_SEED: envVar.int(42, 0, 2_147_483_647),
  /** Deepest nesting accepted in a request body (objects and arrays). */
  MAX_REQUEST_DEPTH: envVar.int(64, 8, 10_000),
  /** How many source names (X-Hasura-DataConnector-SourceName) keep per-source state at once. */
  MAX_SOURCES: envVar.int(1000, 1, 1_000_000),
  /** Most rows in one /query response, nested rows included; more is refused with 422 `response-too-large`. */
  MAX_RESPONSE_ROWS: envVar.int(100_000, 1, 1_000_000_000),
  /** Most bytes of one /query response; more is refused with 422 `response-too-large`. */
  MAX_RESPONSE_BYTES: envVar.int(33_554_432, 1_024, 1_073_741_824),
};

export type ConnectorAgentConfig = ReturnType<typeof parseConnectorAgentEnv>;

export function parseConnectorAgentEnv(env?: Env) {
  return parseEnv(connectorAgentEnv, env);
}

/** `--scale N` on the command line, if given. */
export function scaleFromArgs(argv: readonly string[]): number | undefined {
  const i = argv.findIndex((a) => a === '--scale' || a.startsWith('--scale='));
  if (i < 0) return undefined;
  const raw = argv[i]!.includes('=') ? argv[i]!.split('=')[1] : argv[i + 1];
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 1000)
    throw new Error(`--scale expects an integer from 1 to 1000, got ${JSON.stringify(raw ?? '')}`);
  return n;
}
