import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import {
  createActionsClient,
  createEngineClient,
  type ActionsClient,
  type EngineClient,
} from '@switchyard/engine-client';
import {
  GRAPHIQL_ASSETS_PATH,
  graphiqlAssetsHandler,
  graphiqlPage,
  sendGraphiqlPage,
} from '@switchyard/graphiql';
import type { HttpError } from '@switchyard/service-kit';
import {
  createOriginPolicy,
  createService,
  fetchMetadataGuard,
  legacyJsonStatusPlugin,
  type Logger,
  type Service,
} from '@switchyard/service-kit';
import type { Request } from 'express';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { AuthPlaybooks } from './auth/auth-playbooks.js';
import { extractSessionToken } from './auth/session-token.js';
import { SessionLogout } from './auth/session-logout.js';
import { listenForRevocations } from './auth/session-revocations.js';
import { SessionService } from './auth/session-service.js';
import type { GatewayConfig } from './config.js';
import { operationLimitsFrom, operationLimitsRule } from '@switchyard/graphql-limits';
import { exhaustedBudgetMiddleware } from './edge/budget-middleware.js';
import { OperationBudget } from './edge/operation-budget.js';
import { clientIp, rateLimitMiddleware } from './edge/rate-limit-middleware.js';
import { RateLimiter } from './edge/rate-limiter.js';
import { ExecutionFeeds } from './events/execution-feeds.js';
import { linkNats, type NatsLink } from './events/nats-link.js';
import { createContext, type GatewayContext } from './graphql/context.js';
import { depthLimitRule } from './graphql/depth-limit.js';
import { operationAdmissionPlugin } from './graphql/operation-admission.js';
import { createGatewaySchema } from './graphql/schema.js';
import { authRoutes } from './http/auth-routes.js';
import { graphqlErrorBody, queryLimitMiddleware } from './http/graphql-limits.js';
import { createGatewayMetrics, type GatewayMetrics } from './metrics.js';
import { attachGraphQLWs, WS_CLOSE } from './ws/graphql-ws-server.js';
import { SessionSockets } from './ws/session-sockets.js';

export type GatewayServiceConfig = GatewayConfig;

export interface GatewayServiceDeps {
  logger?: Logger;
  /** Use this engine client instead of one built from NOETL_BASE_URL. */
  engine?: EngineClient;
  /** Use this client of the engine's Actions API instead of one built from NOETL_BASE_URL. */
  actions?: ActionsClient;
}

export interface GatewayService {
  service: Service;
  engine: EngineClient;
  nats: NatsLink;
  sessions: SessionService;
  metrics: GatewayMetrics;
  /** Resolves once this replica listens for session revocations on NATS. */
  revocationsReady: Promise<void>;
  listen: Service['listen'];
  shutdown(): Promise<void>;
}

const GRAPHQL_PATH = '/graphql';

function metricsPlugin(metrics: GatewayMetrics): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      metrics.graphqlRequests.inc({ transport: 'http' });
      return {
        async didEncounterErrors({ errors }) {
          for (const error of errors) {
            const own =
              error.originalError instanceof GraphQLError ? error.originalError.extensions?.code : undefined;
            metrics.graphqlErrors.inc({
              code: String(own ?? error.extensions?.code ?? 'INTERNAL_SERVER_ERROR'),
            });
          }
        },
      };
    },
  };
}

/** Apollo reports every validation error as GRAPHQL_VALIDATION_FAILED; keep the code a gateway rule gave it. */
function keepValidationCodes(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const own = error instanceof GraphQLError ? error.originalError : undefined;
  const code = own instanceof GraphQLError ? own.extensions?.code : undefined;
  if (formatted.extensions?.code === 'GRAPHQL_VALIDATION_FAILED' && typeof code === 'string') {
    return { ...formatted, extensions: { ...formatted.extensions, code } };
  }
  return formatted;
}

/** Builds the gateway: GraphQL over HTTP and graphql-ws, auth REST, sessions and edge limits. Call listen() to serve. */
export async function createGatewayService(
  config: GatewayServiceConfig,
  deps: GatewayServiceDeps = {},
): Promise<GatewayService> {
  const service = createService({
    name: 'playbook-gateway',
    port: config.PORT,
    host: config.HOST,
    logger: deps.logger,
    bodyLimit: config.BODY_LIMIT,
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    formatError: (error: HttpError, req: Request) => {
      if (req.path.startsWith('/api/auth')) return { error: error.message };
      if (req.path === GRAPHQL_PATH) return graphqlErrorBody(error.message, error.code);
      return error.toBody();
    },
    cors: {
      origins: config.CORS_ORIGINS,
      credentials: true,
      allowHeaders: [
        'content-type',
        'authorization',
        'x-session-token',
        'x-request-id',
        'apollo-require-preflight',
      ],
    },
  });
  const { app, logger } = service;
  const metrics = createGatewayMetrics(service.metrics);

  const engine =
    deps.engine ??
    createEngineClient({
      baseUrl: config.NOETL_BASE_URL,
      timeoutMs: config.ENGINE_TIMEOUT_MS,
      token: config.ENGINE_API_TOKEN,
    });
  if (!deps.engine) service.onShutdown(() => engine.close());
  const actions =
    deps.actions ??
    createActionsClient({
      baseUrl: config.NOETL_BASE_URL,
      timeoutMs: config.ENGINE_TIMEOUT_MS,
      token: config.ENGINE_API_TOKEN,
    });
  if (!deps.actions) service.onShutdown(() => actions.close());
  const nats = linkNats(config.NATS_URL, logger);
  service.onShutdown(() => nats.close());

  service.addReadinessCheck('engine', async () => {
    await engine.health();
  });
  service.addReadinessCheck('nats', async () => {
    if (!nats.connected) throw new Error('not connected to NATS');
  });

  const auth = new AuthPlaybooks({
    engine,
    timeoutMs: config.AUTH_PLAYBOOK_TIMEOUT_MS,
    nats: () => nats.require(),
    subjectPrefix: config.NATS_UPDATES_SUBJECT_PREFIX,
  });
  const sessions = new SessionService(auth, {
    ttlMs: config.SESSION_CACHE_TTL_MS,
    max: config.SESSION_CACHE_MAX,
    onCache: (kind, outcome) => metrics.authCache.inc({ kind, outcome }),
  });
  const sockets = new SessionSockets();
  const applyRevocation = (tokenHash: string) => {
    sessions.revoke(tokenHash);
    const closed = sockets.close(tokenHash, WS_CLOSE.unauthorized, 'Unauthorized: session revoked');
    if (closed > 0) logger.info({ sockets: closed }, 'closed the WebSocket connections of a revoked session');
  };
  const revocations = listenForRevocations({
    nats,
    subject: config.SESSION_REVOKED_SUBJECT,
    logger,
    onRevoked: applyRevocation,
  });
  service.onShutdown(() => revocations.stop());
  const logout = new SessionLogout({
    auth,
    nats,
    subject: config.SESSION_REVOKED_SUBJECT,
    logger,
    applyLocally: applyRevocation,
  });

  const rateLimit = config.RATE_LIMIT_ENABLED
    ? {
        perIp: new RateLimiter({ limit: config.RATE_LIMIT_PER_IP, windowMs: config.RATE_LIMIT_WINDOW_MS }),
        perSession: new RateLimiter({
          limit: config.RATE_LIMIT_PER_SESSION,
          windowMs: config.RATE_LIMIT_WINDOW_MS,
        }),
        onLimited: (scope: 'ip' | 'session') => metrics.rateLimited.inc({ scope }),
      }
    : undefined;

  const feeds = new ExecutionFeeds({
    nats: () => nats.require(),
    subjectPrefix: config.NATS_UPDATES_SUBJECT_PREFIX,
    maxBufferedEvents: config.FEED_MAX_BUFFERED_EVENTS,
    maxBufferedBytes: config.FEED_MAX_BUFFERED_BYTES,
  });
  const schema = createGatewaySchema({
    engine,
    maxJsonDepth: config.GRAPHQL_MAX_JSON_DEPTH,
    actions,
    nats: () => nats.require(),
    feeds,
    logout,
    onStart: () => metrics.activeSubscriptions.inc(),
    onEnd: () => metrics.activeSubscriptions.dec(),
    onForward: () => metrics.eventsForwarded.inc(),
  });
  const limits = operationLimitsFrom(config);
  const budget = config.RATE_LIMIT_ENABLED
    ? new OperationBudget({
        windowMs: config.RATE_LIMIT_WINDOW_MS,
        operationsPerIp: config.RATE_LIMIT_PER_IP,
        operationsPerSession: config.RATE_LIMIT_PER_SESSION,
        costPerIp: config.RATE_LIMIT_COST_PER_IP,
        costPerSession: config.RATE_LIMIT_COST_PER_SESSION,
        onLimited: (scope) => metrics.rateLimited.inc({ scope }),
      })
    : undefined;
  const admission = { schema, limits, ...(budget ? { budget } : {}) };
  const validationRules = [depthLimitRule(config.GRAPHQL_MAX_DEPTH), operationLimitsRule(limits)];
  const contextDeps = { engine, sessions };

  const apollo = new ApolloServer<GatewayContext>({
    schema,
    validationRules,
    introspection: true,
    includeStacktraceInErrorResponses: false,
    // Cross-site browser requests are refused by fetchMetadataGuard (below) unless CORS_ORIGINS allows the page,
    // so plain GET queries work for every other client (GraphQL over HTTP).
    csrfPrevention: false,
    formatError: keepValidationCodes,
    plugins: [
      legacyJsonStatusPlugin(),
      ApolloServerPluginLandingPageDisabled(),
      metricsPlugin(metrics),
      operationAdmissionPlugin(admission),
    ],
    logger: {
      debug: (m) => logger.debug(m),
      info: (m) => logger.info(m),
      warn: (m) => logger.warn(m),
      error: (m) => logger.error(m),
    },
  });
  await apollo.start();
  service.onShutdown(() => apollo.stop());

  const originAllowed = createOriginPolicy(config.CORS_ORIGINS);
  app.get('/', (_req, res) => {
    res.redirect(302, GRAPHQL_PATH);
  });
  if (config.GRAPHIQL_ENABLED) {
    const page = graphiqlPage({
      title: 'Switchyard playbook gateway',
      endpoint: GRAPHQL_PATH,
      assetsPath: GRAPHIQL_ASSETS_PATH,
      sessionToken: true,
    });
    app.use(GRAPHIQL_ASSETS_PATH, graphiqlAssetsHandler());
    app.get(GRAPHQL_PATH, (req, res, next) => {
      if (req.query.query !== undefined || !req.accepts('html')) {
        next();
        return;
      }
      sendGraphiqlPage(res, page);
    });
  }

  if (rateLimit) {
    app.use(
      '/api/auth',
      rateLimitMiddleware({
        ...rateLimit,
        respond: (res) => res.status(429).json({ error: 'too many requests; retry later' }),
      }),
    );
  }
  app.use('/api/auth', authRoutes({ auth, logout, logger }));
  app.use(
    GRAPHQL_PATH,
    fetchMetadataGuard(originAllowed),
    ...(budget ? [exhaustedBudgetMiddleware(budget)] : []),
    queryLimitMiddleware(config.GRAPHQL_MAX_QUERY_BYTES),
    expressMiddleware(apollo, {
      context: async ({ req }) => createContext(contextDeps, extractSessionToken(req.headers), clientIp(req)),
    }),
  );

  const ws = attachGraphQLWs({
    ...contextDeps,
    sockets,
    server: service.server,
    path: GRAPHQL_PATH,
    schema,
    validationRules,
    logger,
    maxQueryBytes: config.GRAPHQL_MAX_QUERY_BYTES,
    maxSubscriptionsPerConnection: config.WS_MAX_SUBSCRIPTIONS,
    maxBufferedBytes: config.WS_MAX_BUFFERED_BYTES,
    sendStallMs: config.WS_SEND_STALL_MS,
    maxConnections: config.WS_MAX_CONNECTIONS,
    connectionInitTimeoutMs: config.WS_CONNECTION_INIT_TIMEOUT_MS,
    keepAliveMs: config.WS_KEEPALIVE_MS,
    originAllowed,
    ...(rateLimit ? { rateLimit } : {}),
    admission,
    metrics: {
      operationStarted: () => metrics.graphqlRequests.inc({ transport: 'ws' }),
      connectionOpened: () => metrics.wsConnections.inc(),
      connectionClosed: () => metrics.wsConnections.dec(),
      slowClientDisconnected: () => metrics.slowClientDisconnects.inc(),
    },
  });
  service.trackSocketServer(ws.wss);
  service.onShutdown(() => ws.dispose());

  return {
    service,
    engine,
    nats,
    sessions,
    metrics,
    revocationsReady: revocations.ready,
    listen: () => service.listen(),
    shutdown: () => service.shutdown(),
  };
}
