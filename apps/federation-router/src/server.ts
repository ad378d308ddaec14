import type { IncomingHttpHeaders } from 'node:http';
import {
  isRequestError,
  SubgraphClients,
  type FederationGateway,
  type GraphQLRequest,
  type GraphQLResult,
  type PreparedOperation,
} from '@switchyard/federation';
import { createService, silentLogger, type Service } from '@switchyard/service-kit';
import type { Request, Response } from 'express';
import { GraphQLError, type ExecutionArgs } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import { parseSubgraphList, parseTimeouts, type RouterConfig } from './config.js';
import { corsMiddleware } from './cors.js';
import { landingPage } from './landing-page.js';
import { createRouterMetrics } from './router-metrics.js';
import { SupergraphSource } from './supergraph-source.js';

export const GRAPHQL_PATH = '/graphql';
const GRAPHQL_RESPONSE = 'application/graphql-response+json';

export interface RouterDeps {
  logger?: Logger;
}

export interface RouterService extends Service {
  readonly source: SupergraphSource;
}

function pickHeaders(headers: IncomingHttpHeaders, allow: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of allow) {
    const value = headers[name.toLowerCase()];
    if (typeof value === 'string') out[name.toLowerCase()] = value;
    else if (Array.isArray(value)) out[name.toLowerCase()] = value.join(', ');
  }
  return out;
}

function wantsGraphQLResponse(req: Request): boolean {
  const accept = req.headers.accept ?? '';
  return accept.includes(GRAPHQL_RESPONSE);
}

function send(req: Request, res: Response, result: GraphQLResult, status?: number): void {
  const modern = wantsGraphQLResponse(req);
  res.setHeader('Content-Type', `${modern ? GRAPHQL_RESPONSE : 'application/json'}; charset=utf-8`);
  const code = status ?? (modern && isRequestError(result) ? 400 : 200);
  // Written directly: Express's send would hash the body for an ETag that GraphQL POSTs never use.
  const body = JSON.stringify(result);
  res.statusCode = code;
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}

function errorBody(message: string, code: string): GraphQLResult {
  return { errors: [{ message, extensions: { code } }] };
}

function parseJsonParam(value: unknown, name: string): unknown {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string')
    throw new GraphQLError(`"${name}" must be a JSON string`, { extensions: { code: 'BAD_REQUEST' } });
  try {
    return JSON.parse(value);
  } catch {
    throw new GraphQLError(`"${name}" is not valid JSON`, { extensions: { code: 'BAD_REQUEST' } });
  }
}

/** Builds the router: GraphQL over HTTP and graphql-ws at /graphql, landing page, health, readiness, metrics. */
export async function createRouterService(
  config: RouterConfig,
  deps: RouterDeps = {},
): Promise<RouterService> {
  const logger = deps.logger ?? silentLogger();
  const service = createService({
    name: 'federation-router',
    port: config.PORT,
    host: config.HOST,
    logger,
    bodyLimit: config.BODY_LIMIT,
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    formatError: (error, req) =>
      req.path === GRAPHQL_PATH ? errorBody(error.message, error.code) : error.toBody(),
  });
  const metrics = createRouterMetrics(service.metrics);
  const clients = new SubgraphClients({ defaultTimeoutMs: config.SUBGRAPH_TIMEOUT_MS });
  const gatewayOptions = {
    clients,
    timeoutMs: config.SUBGRAPH_TIMEOUT_MS,
    subgraphTimeoutsMs: parseTimeouts(config.SUBGRAPH_TIMEOUTS_MS),
    planCacheSize: config.PLAN_CACHE_SIZE,
    introspection: config.INTROSPECTION,
    limits: { maxDepth: config.MAX_DEPTH, maxAliases: config.MAX_ALIASES, maxTokens: config.MAX_TOKENS },
    onFetch: (subgraph: string, ok: boolean, ms: number) =>
      metrics.subgraphFetches.observe({ subgraph, outcome: ok ? 'ok' : 'error' }, ms / 1000),
  };
  const source =
    config.SUBGRAPHS.length > 0
      ? await SupergraphSource.fromSubgraphs(parseSubgraphList(config.SUBGRAPHS), gatewayOptions, logger)
      : await SupergraphSource.fromFile(
          config.SUPERGRAPH_PATH,
          gatewayOptions,
          logger,
          config.SUPERGRAPH_WATCH,
          (ok) => metrics.reloads.inc({ outcome: ok ? 'applied' : 'rejected' }),
        );
  service.onShutdown(async () => {
    source.close();
    await clients.close();
  });
  // Ready when every subgraph of the current supergraph answers `{ __typename }`.
  service.addReadinessCheck('subgraphs', async () => {
    const gateway = source.gateway;
    const names = Object.keys(gateway.subgraphUrls());
    const failures = (
      await Promise.all(
        names.map((name) =>
          gateway.pingSubgraph(name).then(
            () => undefined,
            (e: Error) => `${name}: ${e.message}`,
          ),
        ),
      )
    ).filter(Boolean);
    if (failures.length > 0) throw new Error(failures.join('; '));
  });

  const { app } = service;
  app.use(GRAPHQL_PATH, corsMiddleware(config.CORS_ORIGINS));

  const run = async (
    req: Request,
    res: Response,
    request: GraphQLRequest,
    allowedKinds?: Array<'query' | 'mutation'>,
  ) => {
    const gateway = source.gateway;
    const includePlan = config.EXPOSE_PLANS && req.headers['x-switchyard-plan'] === 'true';
    const controller = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) controller.abort();
    });
    const result = await gateway.execute(request, {
      headers: pickHeaders(req.headers, config.PROPAGATE_HEADERS),
      includePlan,
      allowedKinds,
      signal: controller.signal,
    });
    const rejected = isRequestError(result);
    metrics.operations.inc({
      kind: req.method === 'GET' ? 'get' : 'post',
      outcome: rejected ? 'rejected' : result.errors ? 'partial' : 'ok',
    });
    if (
      rejected &&
      result.errors?.[0]?.extensions?.code === 'OPERATION_NOT_ALLOWED' &&
      req.method === 'GET'
    ) {
      res.setHeader('Allow', 'POST');
      send(req, res, result, 405);
      return;
    }
    send(req, res, result);
  };

  app.get(GRAPHQL_PATH, async (req, res) => {
    const query = req.query.query;
    if (query === undefined) {
      if (config.LANDING_PAGE && (req.headers.accept ?? '').includes('text/html')) {
        res.type('html').send(landingPage(GRAPHQL_PATH));
        return;
      }
      send(req, res, errorBody('Must provide a query string.', 'BAD_REQUEST'), 400);
      return;
    }
    let variables: unknown;
    let extensions: unknown;
    try {
      variables = parseJsonParam(req.query.variables, 'variables');
      extensions = parseJsonParam(req.query.extensions, 'extensions');
    } catch (error) {
      send(req, res, errorBody((error as GraphQLError).message, 'BAD_REQUEST'), 400);
      return;
    }
    await run(req, res, { query, variables, operationName: req.query.operationName, extensions }, ['query']);
  });

  app.post(GRAPHQL_PATH, async (req, res) => {
    const type = req.headers['content-type'] ?? '';
    if (!type.includes('application/json') && !type.includes('+json')) {
      send(
        req,
        res,
        errorBody('POST requests need Content-Type: application/json.', 'UNSUPPORTED_MEDIA_TYPE'),
        415,
      );
      return;
    }
    const body: unknown = req.body;
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      send(req, res, errorBody('The request body must be a JSON object with a "query".', 'BAD_REQUEST'), 400);
      return;
    }
    await run(req, res, body as GraphQLRequest);
  });

  if (config.LANDING_PAGE) {
    app.get('/', (_req, res) => {
      res.redirect(302, GRAPHQL_PATH);
    });
  }

  // graphql-ws on the same path: subscriptions are forwarded to their subgraph; queries and mutations work too.
  const wss = new WebSocketServer({ server: service.server, path: GRAPHQL_PATH });
  service.trackSocketServer(wss);
  interface WsContext {
    /** Prepared once in onSubscribe; execute and subscribe run it without preparing it again. */
    prepared: PreparedOperation;
    headers: Record<string, string>;
    gateway: FederationGateway;
  }
  useServer(
    {
      onSubscribe: (ctx, _id, payload) => {
        const gateway = source.gateway;
        const request: GraphQLRequest = {
          query: payload.query,
          variables: payload.variables,
          operationName: payload.operationName,
        };
        try {
          const prepared = gateway.prepare(request);
          const upgrade = (ctx.extra as { request: { headers: IncomingHttpHeaders } }).request;
          const contextValue: WsContext = {
            prepared,
            headers: pickHeaders(upgrade.headers, config.PROPAGATE_HEADERS),
            gateway,
          };
          const args: ExecutionArgs = {
            schema: gateway.apiSchema,
            document: prepared.document,
            operationName: payload.operationName,
            variableValues: payload.variables,
            contextValue,
          };
          return args;
        } catch (error) {
          return [
            error instanceof GraphQLError
              ? error
              : new GraphQLError('Invalid request', { extensions: { code: 'BAD_REQUEST' } }),
          ];
        }
      },
      execute: async (args: ExecutionArgs) => {
        const ctx = args.contextValue as WsContext;
        return (await ctx.gateway.executePrepared(ctx.prepared, { headers: ctx.headers })) as never;
      },
      subscribe: async (args: ExecutionArgs) => {
        const ctx = args.contextValue as WsContext;
        return (await ctx.gateway.subscribePrepared(ctx.prepared, { headers: ctx.headers })) as never;
      },
    },
    wss,
  );

  return Object.assign(service, { source });
}
