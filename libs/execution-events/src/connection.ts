import { connect, type ConnectionOptions, type NatsConnection } from '@nats-io/transport-node';
import { parseNatsServers } from './nats-url.js';

export type { NatsConnection } from '@nats-io/transport-node';

/**
 * Connects to NATS with the reconnect behaviour the execution event helpers expect: reconnect forever,
 * quickly, so that subscriptions resume after an outage. Credentials in the URL (`nats://TOKEN@host:4222`,
 * `nats://user:pass@host:4222`) become token or user/password auth.
 */
export function connectNats(
  servers: string | string[],
  options: Partial<ConnectionOptions> = {},
): Promise<NatsConnection> {
  const parsed = parseNatsServers(servers);
  const { servers: list, ...credentials } = parsed;
  return connect({
    servers: list,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    ...credentials,
    ...options,
  });
}
