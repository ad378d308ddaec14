import { routeCallers } from './route-client.js';
import { actionRoutes } from './routes/action-routes.js';
import type {
  ActionUserRequest,
  ContinueRenderingRequest,
  CreateActionRequest,
  CreateTypeInstanceRequest,
  ListActionsQuery,
  UpdateActionRequest,
} from './actions-schemas.js';
import type { listTypeInstancesQuerySchema } from './actions-schemas.js';
import type { z } from 'zod';
import { createEngineTransport, type EngineClientOptions, type RequestOptions } from './transport.js';

/** Typed client for the engine's Actions API (`/api/actions`, `/api/typeinstances`). Close it when done. */
export function createActionsClient(options: EngineClientOptions) {
  const transport = createEngineTransport(options);
  const routes = routeCallers(transport, actionRoutes);
  const named = (name: string) => ({ params: { name } });
  return {
    routes,
    createAction: (req: CreateActionRequest, opts?: RequestOptions) =>
      routes.createAction({ body: req }, opts),
    getAction: (name: string, opts?: RequestOptions) => routes.getAction(named(name), opts),
    listActions: (query: ListActionsQuery = {}, opts?: RequestOptions) => routes.listActions({ query }, opts),
    updateAction: (name: string, req: UpdateActionRequest, opts?: RequestOptions) =>
      routes.updateAction({ ...named(name), body: req }, opts),
    deleteAction: (name: string, opts?: RequestOptions) => routes.deleteAction(named(name), opts),
    runAction: (name: string, req: ActionUserRequest = {}, opts?: RequestOptions) =>
      routes.runAction({ ...named(name), body: req }, opts),
    cancelAction: (name: string, req: ActionUserRequest = {}, opts?: RequestOptions) =>
      routes.cancelAction({ ...named(name), body: req }, opts),
    continueAdvancedRendering: (name: string, req: ContinueRenderingRequest, opts?: RequestOptions) =>
      routes.continueAdvancedRendering({ ...named(name), body: req }, opts),
    createTypeInstance: (req: CreateTypeInstanceRequest, opts?: RequestOptions) =>
      routes.createTypeInstance({ body: req }, opts),
    getTypeInstance: (id: string, opts?: RequestOptions) => routes.getTypeInstance({ params: { id } }, opts),
    listTypeInstances: (filter: z.input<typeof listTypeInstancesQuerySchema> = {}, opts?: RequestOptions) =>
      routes.listTypeInstances({ query: filter }, opts),
    close: transport.close,
  };
}

export type ActionsClient = ReturnType<typeof createActionsClient>;
