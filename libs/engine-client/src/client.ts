import { EngineError } from './errors.js';
import { routeCallers } from './route-client.js';
import { engineRoutes } from './routes/index.js';
import { createEngineTransport, type EngineClientOptions, type RequestOptions } from './transport.js';
import type {
  CancelRequest,
  CatalogResourceRequest,
  CredentialRequest,
  DevTokenRequest,
  ExecuteRequest,
  ExecutionDetail,
  ExecutionSummary,
  FinalizeRequest,
  ListCatalogRequest,
  ListCredentialsQuery,
  ListExecutionsQuery,
  PostEventRequest,
  RunPlaybookRequest,
  RunSyncRequest,
} from './schemas.js';

/**
 * True when the server has no such route: a NoETL 2.5 server answering FastAPI's `{"detail": "Not Found"}`, or
 * an engine of ours that predates the route. Extras of ours are detected this way at run time.
 */
export function isMissingRoute(error: unknown): boolean {
  if (!(error instanceof EngineError) || error.kind !== 'http') return false;
  if (error.status !== 404 && error.status !== 405) return false;
  const body = (error.body ?? {}) as { detail?: unknown; error?: { message?: unknown } };
  return (
    error.status === 405 ||
    body.detail === 'Not Found' ||
    (typeof body.error?.message === 'string' && body.error.message.startsWith('No route for'))
  );
}

function matches(summary: ExecutionSummary, query: ListExecutionsQuery): boolean {
  return (
    (query.status === undefined || summary.status === query.status) &&
    (query.path === undefined || summary.path === query.path) &&
    (query.parent_execution_id === undefined || summary.parent_execution_id === query.parent_execution_id) &&
    (query.created_by === undefined || summary.created_by === query.created_by)
  );
}

/**
 * Creates a typed client for the engine REST API. `routes` holds one caller per declared route; the named methods
 * below use only what a NoETL 2.5 server answers, plus our extras when the server has them. Close it when done.
 */
export function createEngineClient(options: EngineClientOptions) {
  const transport = createEngineTransport(options);
  const routes = routeCallers(transport, engineRoutes);
  /** Whether the server has `POST /api/executions/batch` (ours); learnt on first use. */
  let batchRoute: boolean | undefined;

  async function getExecution(id: string, opts?: RequestOptions): Promise<ExecutionDetail> {
    return routes.getExecution({ params: { execution_id: id } }, opts);
  }

  return {
    baseUrl: transport.base.origin,
    routes,
    /** Ours: runs a playbook and answers when it ends. A NoETL server answers 404 (see {@link isMissingRoute}). */
    runSync: (req: RunSyncRequest, opts?: RequestOptions) => routes.runSync({ body: req }, opts),
    runPlaybook: (req: RunPlaybookRequest, opts?: RequestOptions) =>
      routes.runPlaybook({ params: { resource_type: 'playbook' }, body: req }, opts),
    execute: (req: ExecuteRequest, opts?: RequestOptions) => routes.execute({ body: req }, opts),
    /**
     * A page of executions and the total. Our engine filters and pages (and sends `x-total-count`); a NoETL server
     * answers every execution, which is then filtered and paged here.
     */
    listExecutions: async (
      query: ListExecutionsQuery = {},
      opts?: RequestOptions,
    ): Promise<{ executions: ExecutionSummary[]; total: number }> => {
      let total: number | undefined;
      const list = await routes.listExecutions(
        { query },
        {
          ...opts,
          onResponse: (_status, headers) => {
            const header = headers['x-total-count'];
            if (typeof header === 'string' && /^\d+$/.test(header)) total = Number(header);
          },
        },
      );
      if (total !== undefined) return { executions: list, total };
      const filtered = list.filter((e) => matches(e, query));
      const offset = Number(query.offset ?? 0);
      const limit = Number(query.limit ?? 100);
      return { executions: filtered.slice(offset, offset + limit), total: filtered.length };
    },
    getExecution,
    /** Executions with their events, in the order asked for; unknown ids are left out. At most 100 ids. */
    getExecutions: async (
      ids: string[],
      opts?: RequestOptions,
    ): Promise<{ executions: ExecutionDetail[] }> => {
      if (batchRoute !== false) {
        try {
          const answer = await routes.getExecutions({ body: { ids } }, opts);
          batchRoute = true;
          return answer;
        } catch (error) {
          if (!isMissingRoute(error)) throw error;
          batchRoute = false;
        }
      }
      const found = await Promise.all(
        ids.map((id) =>
          getExecution(id, opts).catch((error: unknown) => {
            if (error instanceof EngineError && error.status === 404) return undefined;
            throw error;
          }),
        ),
      );
      return { executions: found.filter((e): e is ExecutionDetail => e !== undefined) };
    },
    getExecutionStatus: (id: string, opts?: RequestOptions) =>
      routes.getExecutionStatus({ params: { execution_id: id } }, opts),
    getExecutionEvents: (id: string, fromSeq = 1, opts?: RequestOptions) =>
      routes.getExecutionEvents({ params: { execution_id: id }, query: { from_seq: fromSeq } }, opts),
    cancelExecution: (id: string, req: CancelRequest = {}, opts?: RequestOptions) =>
      routes.cancelExecution({ params: { execution_id: id }, body: req }, opts),
    cancellationCheck: (id: string, opts?: RequestOptions) =>
      routes.cancellationCheck({ params: { execution_id: id } }, opts),
    finalizeExecution: (id: string, req: FinalizeRequest = {}, opts?: RequestOptions) =>
      routes.finalizeExecution({ params: { execution_id: id }, body: req }, opts),
    registerPlaybook: (content: string, opts?: RequestOptions) =>
      routes.registerPlaybook({ body: { content, resource_type: 'Playbook' } }, opts),
    listCatalog: (req: ListCatalogRequest = {}, opts?: RequestOptions) =>
      routes.listCatalog({ body: req }, opts),
    getCatalogResource: (req: CatalogResourceRequest, opts?: RequestOptions) =>
      routes.getCatalogResource({ body: req }, opts),
    putCredential: (req: CredentialRequest, opts?: RequestOptions) =>
      routes.putCredential({ body: req }, opts),
    listCredentials: (query: ListCredentialsQuery = {}, opts?: RequestOptions) =>
      routes.listCredentials({ query }, opts),
    getCredential: (identifier: string, opts?: RequestOptions) =>
      routes.getCredential({ params: { identifier } }, opts),
    deleteCredential: (identifier: string, opts?: RequestOptions) =>
      routes.deleteCredential({ params: { identifier } }, opts),
    postEvent: (req: PostEventRequest, opts?: RequestOptions) => routes.postEvent({ body: req }, opts),
    getEvent: (eventId: string, opts?: RequestOptions) =>
      routes.getEvent({ params: { event_id: eventId } }, opts),
    devToken: (req: DevTokenRequest, opts?: RequestOptions) => routes.devToken({ body: req }, opts),
    health: (opts?: RequestOptions) => routes.health({}, opts),
    close: transport.close,
  };
}

export type EngineClient = ReturnType<typeof createEngineClient>;
