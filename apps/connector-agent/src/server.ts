import type { Request, Response } from 'express';
import {
  CONFIG_HEADER,
  DC_ERROR_TYPES,
  DcRequestError,
  SOURCE_NAME_HEADER,
  capabilitiesResponse,
  parseQueryRequest,
  type DcErrorType,
} from '@switchyard/dc-api';
import {
  Counter,
  Histogram,
  HttpError,
  createService,
  type Logger,
  type Service,
} from '@switchyard/service-kit';
import {
  DEFAULT_RESPONSE_LIMITS,
  executePlan,
  explainPlan,
  planRequest,
  type Dataset,
  type ResponseLimits,
} from '@switchyard/dc-engine';
import { SourceRegistry, type SourceState } from './sources.js';

export interface ConnectorAgentSettings {
  port: number;
  host: string;
  bodyLimit?: string;
  shutdownTimeoutMs?: number;
  maxRequestDepth?: number;
  maxSources?: number;
  /** Origins allowed by CORS (`*` for any); empty = no CORS headers. */
  corsOrigins?: readonly string[];
  /** Caps on one /query response (MAX_RESPONSE_ROWS, MAX_RESPONSE_BYTES). */
  responseLimits?: ResponseLimits;
}

export interface ConnectorAgentDeps {
  dataset: Dataset;
  logger?: Logger;
}

/** Paths whose errors use the Data Connector body `{ type, message, details }`. */
const DC_PATHS = new Set(['/capabilities', '/schema', '/query', '/explain', '/health']);

const HTTP_CODE_TO_TYPE: Record<string, DcErrorType> = {
  INVALID_JSON: 'invalid-json',
  PAYLOAD_TOO_LARGE: 'payload-too-large',
  NOT_FOUND: 'not-found',
};
const DC_TYPES: ReadonlySet<string> = new Set(DC_ERROR_TYPES);

/** The Data Connector type of an error: its own for agent errors, mapped for the kit's, else by status. */
function errorType(error: HttpError): DcErrorType {
  if (DC_TYPES.has(error.code)) return error.code as DcErrorType;
  return HTTP_CODE_TO_TYPE[error.code] ?? (error.status >= 500 ? 'uncaught-error' : 'invalid-request');
}

function formatError(error: HttpError, req: Request): unknown {
  if (!DC_PATHS.has(req.path)) return error.toBody();
  const type = errorType(error);
  const details = error.details && typeof error.details === 'object' ? error.details : {};
  return {
    type,
    message: error.message,
    details: error.code === 'INVALID_JSON' ? { path: '', ...details } : details,
  };
}

function toHttp(error: unknown): unknown {
  return error instanceof DcRequestError
    ? new HttpError(error.status, error.type, error.message, error.details)
    : error;
}

/** 405 with `Allow` for a method the path does not serve. */
function methodNotAllowed(allow: string) {
  return (req: Request, res: Response) => {
    res.setHeader('Allow', allow);
    throw new HttpError(
      405,
      'method-not-allowed',
      `${req.method} ${req.path} is not supported; use ${allow}`,
      {
        allow: allow.split(', '),
      },
    );
  };
}

/** 415 for a request body that is not JSON (the body is not parsed, so it would otherwise look empty). */
function requireJson(req: Request, _res: Response, next: () => void) {
  if (!req.is(['application/json', 'application/*+json'])) {
    const type = req.headers['content-type'];
    throw new HttpError(
      415,
      'unsupported-media-type',
      `${req.path} takes a JSON body: send Content-Type: application/json${type ? `, not ${type}` : ''}`,
      { contentType: type ?? null },
    );
  }
  next();
}

function header(req: Request, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The Data Connector agent over a loaded data set. Call `listen()` on the result. */
export function createConnectorAgentService(
  settings: ConnectorAgentSettings,
  deps: ConnectorAgentDeps,
): Service {
  const { dataset } = deps;
  const sources = new SourceRegistry(dataset, settings.maxSources);
  const maxDepth = settings.maxRequestDepth ?? 64;
  const responseLimits = settings.responseLimits ?? DEFAULT_RESPONSE_LIMITS;
  const service = createService({
    name: 'connector-agent',
    port: settings.port,
    host: settings.host,
    logger: deps.logger,
    bodyLimit: settings.bodyLimit,
    shutdownTimeoutMs: settings.shutdownTimeoutMs,
    cors: { origins: settings.corsOrigins ?? [] },
    readiness: {
      dataset: () => {
        if (dataset.tables.size === 0) throw new Error(`no tables loaded from ${dataset.origin}`);
      },
    },
    formatError,
    // 204, and with the Data Connector headers a check of that source's config and data.
    health: (req, res) => health(req, res),
  });
  const { app } = service;
  // Query responses can be tens of megabytes: hashing each one for an ETag would cost more than the query.
  app.set('etag', false);

  const queries = new Counter({
    name: 'connector_agent_queries_total',
    help: 'Query and explain requests by table and outcome',
    labelNames: ['endpoint', 'table', 'outcome'],
    registers: [service.metrics],
  });
  const rowsReturned = new Counter({
    name: 'connector_agent_rows_returned_total',
    help: 'Top-level rows returned by /query',
    labelNames: ['table'],
    registers: [service.metrics],
  });
  const duration = new Histogram({
    name: 'connector_agent_query_duration_seconds',
    help: 'Time to plan, execute and serialize a /query request (without sending the response)',
    labelNames: ['table'],
    buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [service.metrics],
  });

  const resolveSource = (req: Request): SourceState =>
    sources.resolve(header(req, SOURCE_NAME_HEADER), header(req, CONFIG_HEADER));
  /** The request's source, with a bad config header or source name as a 400 in the agent's error shape. */
  const source = (req: Request): SourceState => {
    try {
      return resolveSource(req);
    } catch (error) {
      throw toHttp(error);
    }
  };

  const health = (req: Request, res: Response) => {
    const hasSource =
      header(req, SOURCE_NAME_HEADER) !== undefined || header(req, CONFIG_HEADER) !== undefined;
    if (hasSource) {
      source(req);
      if (dataset.tables.size === 0) throw new HttpError(503, 'uncaught-error', 'The data set is not loaded');
    }
    res.status(204).end();
  };

  app.get('/capabilities', (_req, res) => {
    res.json(capabilitiesResponse);
  });

  app.get('/schema', (req, res) => {
    res.json(source(req).schema);
  });

  const runQuery = (endpoint: 'query' | 'explain') => (req: Request, res: Response) => {
    let table = '';
    try {
      const state = resolveSource(req);
      const request = parseQueryRequest(req.body, maxDepth);
      table = request.table;
      const started = process.hrtime.bigint();
      const plan = planRequest(dataset, state.allowedTables, request);
      if (endpoint === 'explain') {
        queries.inc({ endpoint, table, outcome: 'ok' });
        res.json({ lines: explainPlan(plan) });
        return;
      }
      const result = executePlan(plan, responseLimits);
      duration.observe({ table }, Number(process.hrtime.bigint() - started) / 1e9);
      queries.inc({ endpoint, table, outcome: 'ok' });
      rowsReturned.inc({ table }, result.rowCount);
      res.status(200).setHeader('content-type', 'application/json; charset=utf-8');
      res.end(result.json);
    } catch (error) {
      if (error instanceof DcRequestError) {
        queries.inc({
          endpoint,
          table: dataset.tables.has(table) ? table : '(unknown)',
          outcome: error.type,
        });
        service.logger.warn(
          { requestId: res.getHeader('x-request-id'), type: error.type, details: error.details },
          error.message,
        );
      }
      throw toHttp(error);
    }
  };
  app.post('/query', requireJson, runQuery('query'));
  app.post('/explain', requireJson, runQuery('explain'));
  for (const path of ['/query', '/explain']) app.all(path, methodNotAllowed('POST'));
  for (const path of ['/capabilities', '/schema']) app.all(path, methodNotAllowed('GET, HEAD'));

  return service;
}
