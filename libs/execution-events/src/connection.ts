import { connect, type ConnectionOptions, type NatsConnection } from '@nats-io/transport-node';

export type { NatsConnection } from '@nats-io/transport-node';

/**
 * Connects to NATS with the reconnect behaviour the execution event helpers expect: reconnect forever,
 * quickly, so that subscriptions resume after an outage.
 */
export function connectNats(
  servers: string | string[],
  options: Partial<ConnectionOptions> = {},
): Promise<NatsConnection> {
  return connect({ servers, maxReconnectAttempts: -1, reconnectTimeWait: 250, ...options });
}
