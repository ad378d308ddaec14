import {
  createEngineTransport,
  withQuery,
  type EngineClientOptions,
  type RequestOptions,
} from './transport.js';
import {
  cancelResponseSchema,
  catalogResourceResponseSchema,
  credentialSchema,
  devTokenResponseSchema,
  executionBatchResponseSchema,
  executionDetailSchema,
  executionEventsResponseSchema,
  executionStatusResponseSchema,
  healthResponseSchema,
  listCatalogResponseSchema,
  listCredentialsResponseSchema,
  listExecutionsResponseSchema,
  registerCatalogResponseSchema,
  runPlaybookResponseSchema,
  runSyncResponseSchema,
  type RunSyncRequest,
  type CancelRequest,
  type CatalogResourceRequest,
  type CredentialRequest,
  type DevTokenRequest,
  type ExecuteRequest,
  type ListCatalogRequest,
  type ListExecutionsQuery,
  type RunPlaybookRequest,
} from './schemas.js';

/** Creates a typed client for every engine REST endpoint. Close it when done. */
export function createEngineClient(options: EngineClientOptions) {
  const { base, call, close } = createEngineTransport(options);

  const enc = encodeURIComponent;
  return {
    baseUrl: base.origin,
    runSync: (req: RunSyncRequest, opts?: RequestOptions) =>
      call('POST', '/api/run/sync', runSyncResponseSchema, req, opts),
    runPlaybook: (req: RunPlaybookRequest, opts?: RequestOptions) =>
      call('POST', '/api/run/playbook', runPlaybookResponseSchema, req, opts),
    execute: (req: ExecuteRequest, opts?: RequestOptions) =>
      call('POST', '/api/execute', runPlaybookResponseSchema, req, opts),
    listExecutions: (query: ListExecutionsQuery = {}, opts?: RequestOptions) =>
      call('GET', withQuery('/api/executions', query), listExecutionsResponseSchema, undefined, opts),
    getExecution: (id: string, opts?: RequestOptions) =>
      call('GET', `/api/executions/${enc(id)}`, executionDetailSchema, undefined, opts),
    /** Executions with their events, in the order asked for; unknown ids are left out. At most 100 ids. */
    getExecutions: (ids: string[], opts?: RequestOptions) =>
      call('POST', '/api/executions/batch', executionBatchResponseSchema, { ids }, opts),
    getExecutionStatus: (id: string, opts?: RequestOptions) =>
      call('GET', `/api/executions/${enc(id)}/status`, executionStatusResponseSchema, undefined, opts),
    getExecutionEvents: (id: string, fromSeq = 1, opts?: RequestOptions) =>
      call(
        'GET',
        `/api/executions/${enc(id)}/events?from_seq=${fromSeq}`,
        executionEventsResponseSchema,
        undefined,
        opts,
      ),
    cancelExecution: (id: string, req: CancelRequest = {}, opts?: RequestOptions) =>
      call('POST', `/api/executions/${enc(id)}/cancel`, cancelResponseSchema, req, opts),
    registerPlaybook: (content: string, opts?: RequestOptions) =>
      call(
        'POST',
        '/api/catalog/register',
        registerCatalogResponseSchema,
        { content, resource_type: 'Playbook' },
        opts,
      ),
    listCatalog: (req: ListCatalogRequest = {}, opts?: RequestOptions) =>
      call('POST', '/api/catalog/list', listCatalogResponseSchema, req, opts),
    getCatalogResource: (req: CatalogResourceRequest, opts?: RequestOptions) =>
      call('POST', '/api/catalog/resource', catalogResourceResponseSchema, req, opts),
    putCredential: (req: CredentialRequest, opts?: RequestOptions) =>
      call('POST', '/api/credentials', credentialSchema, req, opts),
    listCredentials: (opts?: RequestOptions) =>
      call('GET', '/api/credentials', listCredentialsResponseSchema, undefined, opts),
    deleteCredential: (name: string, opts?: RequestOptions) =>
      call('DELETE', `/api/credentials/${enc(name)}`, credentialSchema, undefined, opts),
    devToken: (req: DevTokenRequest, opts?: RequestOptions) =>
      call('POST', '/api/auth/dev/token', devTokenResponseSchema, req, opts),
    health: (opts?: RequestOptions) => call('GET', '/api/health', healthResponseSchema, undefined, opts),
    close,
  };
}

export type EngineClient = ReturnType<typeof createEngineClient>;
