import { Counter, Gauge, type Registry } from '@switchyard/service-kit';

/** The gateway's own Prometheus metrics (HTTP request metrics come from the service kit). */
export function createGatewayMetrics(registry: Registry) {
  const registers = [registry];
  return {
    graphqlRequests: new Counter({
      name: 'gateway_graphql_requests_total',
      help: 'GraphQL operations received, by transport',
      labelNames: ['transport'] as const,
      registers,
    }),
    graphqlErrors: new Counter({
      name: 'gateway_graphql_errors_total',
      help: 'GraphQL errors sent, by extensions.code',
      labelNames: ['code'] as const,
      registers,
    }),
    activeSubscriptions: new Gauge({
      name: 'gateway_active_subscriptions',
      help: 'Subscriptions currently streaming',
      registers,
    }),
    eventsForwarded: new Counter({
      name: 'gateway_events_forwarded_total',
      help: 'Subscription payloads forwarded to clients (execution events and status changes)',
      registers,
    }),
    authCache: new Counter({
      name: 'gateway_auth_cache_total',
      help: 'Session and access-decision cache lookups, by kind and outcome (hit or miss)',
      labelNames: ['kind', 'outcome'] as const,
      registers,
    }),
    wsConnections: new Gauge({
      name: 'gateway_ws_connections',
      help: 'Open graphql-ws connections',
      registers,
    }),
    slowClientDisconnects: new Counter({
      name: 'gateway_ws_slow_client_disconnects_total',
      help: 'WebSocket clients closed (4413) because their send buffer passed WS_MAX_BUFFERED_BYTES or stalled for WS_SEND_STALL_MS',
      registers,
    }),
    rateLimited: new Counter({
      name: 'gateway_rate_limited_total',
      help: 'Requests refused by a rate limit, by scope (ip or session)',
      labelNames: ['scope'] as const,
      registers,
    }),
  };
}

export type GatewayMetrics = ReturnType<typeof createGatewayMetrics>;
