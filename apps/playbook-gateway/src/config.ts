import { baseServiceEnv, envVar, parseEnv, type Env } from '@switchyard/service-kit';
import { z } from 'zod';

/** Every environment variable the gateway reads (see docs/playbook-gateway.md). */
export const gatewayEnv = {
  ...baseServiceEnv(8090),
  /** The seed's name for the listening port; wins over PORT when set. */
  ROUTER_PORT: z.coerce.number().int().min(0).max(65535).optional().describe('a port number from 0 to 65535'),
  NOETL_BASE_URL: envVar.url('http://localhost:8082'),
  ENGINE_TIMEOUT_MS: envVar.int(10_000, 100, 600_000),
  /** Sent to the engine as `Authorization: Bearer`; the first entry when a list is given for rotation. */
  ENGINE_API_TOKEN: envVar.optionalString(),
  NATS_URL: envVar.string('nats://127.0.0.1:4222'),
  NATS_UPDATES_SUBJECT_PREFIX: envVar.string('playbooks.executions.'),
  CORS_ORIGINS: envVar.list([]),
  SESSION_CACHE_TTL_MS: envVar.int(30_000, 0, 3_600_000),
  SESSION_CACHE_MAX: envVar.int(10_000, 1, 10_000_000),
  /** NATS subject of session revocations (logout): every replica drops the session and closes its sockets. */
  SESSION_REVOKED_SUBJECT: envVar.string('switchyard.sessions.revoked'),
  AUTH_PLAYBOOK_TIMEOUT_MS: envVar.int(15_000, 100, 600_000),
  RATE_LIMIT_ENABLED: envVar.bool(true),
  RATE_LIMIT_WINDOW_MS: envVar.int(60_000, 100, 3_600_000),
  RATE_LIMIT_PER_IP: envVar.int(1_200, 1, 100_000_000),
  RATE_LIMIT_PER_SESSION: envVar.int(600, 1, 100_000_000),
  GRAPHQL_MAX_DEPTH: envVar.int(10, 1, 1_000),
  GRAPHQL_MAX_QUERY_BYTES: envVar.int(20_000, 100, 10_000_000),
  GRAPHIQL_ENABLED: envVar.bool(true),
  WS_MAX_SUBSCRIPTIONS: envVar.int(25, 1, 10_000),
  WS_MAX_BUFFERED_BYTES: envVar.int(1_048_576, 1_024, 1_073_741_824),
  WS_SEND_STALL_MS: envVar.int(30_000, 100, 3_600_000),
  FEED_MAX_BUFFERED_EVENTS: envVar.int(10_000, 10, 10_000_000),
  WS_MAX_CONNECTIONS: envVar.int(10_000, 1, 1_000_000),
  WS_CONNECTION_INIT_TIMEOUT_MS: envVar.int(10_000, 100, 600_000),
  WS_KEEPALIVE_MS: envVar.int(12_000, 0, 600_000),
};

type ParsedGatewayEnv = z.infer<z.ZodObject<typeof gatewayEnv>>;
export type GatewayConfig = Omit<ParsedGatewayEnv, 'ROUTER_PORT'>;

/** Applies the port rule: ROUTER_PORT when set, otherwise PORT (default 8090). */
export function resolveGatewayConfig(parsed: ParsedGatewayEnv): GatewayConfig {
  const { ROUTER_PORT, ...rest } = parsed;
  return { ...rest, PORT: ROUTER_PORT ?? rest.PORT };
}

export function parseGatewayEnv(env: Env = process.env): GatewayConfig {
  return resolveGatewayConfig(parseEnv(gatewayEnv, env));
}
