import {
  actionSchema,
  listActionsResponseSchema,
  listTypeInstancesResponseSchema,
  typeInstanceSchema,
  type ActionUserRequest,
  type ContinueRenderingRequest,
  type CreateActionRequest,
  type CreateTypeInstanceRequest,
  type ListActionsQuery,
  type UpdateActionRequest,
} from './actions-schemas.js';
import {
  createEngineTransport,
  withQuery,
  type EngineClientOptions,
  type RequestOptions,
} from './transport.js';

/** Typed client for the engine's Actions API (`/api/actions`, `/api/typeinstances`). Close it when done. */
export function createActionsClient(options: EngineClientOptions) {
  const { call, close } = createEngineTransport(options);

  const enc = encodeURIComponent;
  return {
    createAction: (req: CreateActionRequest, opts?: RequestOptions) =>
      call('POST', '/api/actions', actionSchema, req, opts),
    getAction: (name: string, opts?: RequestOptions) =>
      call('GET', `/api/actions/${enc(name)}`, actionSchema, undefined, opts),
    listActions: (query: ListActionsQuery = {}, opts?: RequestOptions) =>
      call('GET', withQuery('/api/actions', query), listActionsResponseSchema, undefined, opts),
    updateAction: (name: string, req: UpdateActionRequest, opts?: RequestOptions) =>
      call('PUT', `/api/actions/${enc(name)}`, actionSchema, req, opts),
    deleteAction: (name: string, opts?: RequestOptions) =>
      call('DELETE', `/api/actions/${enc(name)}`, actionSchema, undefined, opts),
    runAction: (name: string, req: ActionUserRequest = {}, opts?: RequestOptions) =>
      call('POST', `/api/actions/${enc(name)}/run`, actionSchema, req, opts),
    cancelAction: (name: string, req: ActionUserRequest = {}, opts?: RequestOptions) =>
      call('POST', `/api/actions/${enc(name)}/cancel`, actionSchema, req, opts),
    continueAdvancedRendering: (name: string, req: ContinueRenderingRequest, opts?: RequestOptions) =>
      call('POST', `/api/actions/${enc(name)}/continue-rendering`, actionSchema, req, opts),
    createTypeInstance: (req: CreateTypeInstanceRequest, opts?: RequestOptions) =>
      call('POST', '/api/typeinstances', typeInstanceSchema, req, opts),
    getTypeInstance: (id: string, opts?: RequestOptions) =>
      call('GET', `/api/typeinstances/${enc(id)}`, typeInstanceSchema, undefined, opts),
    listTypeInstances: (filter: { path?: string; revision?: string; created_by?: string } = {}, opts?: RequestOptions) =>
      call('GET', withQuery('/api/typeinstances', filter), listTypeInstancesResponseSchema, undefined, opts),
    close,
  };
}

export type ActionsClient = ReturnType<typeof createActionsClient>;
