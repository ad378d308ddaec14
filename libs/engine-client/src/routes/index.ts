import { catalogRoutes } from './catalog-routes.js';
import { credentialRoutes } from './credential-routes.js';
import { executionRoutes } from './execution-routes.js';
import { eventRoutes, systemRoutes } from './system-routes.js';

/** Every engine REST route, by id. The server mounts them, `/openapi.json` documents them, the client calls them. */
export const engineRoutes = {
  ...systemRoutes,
  ...catalogRoutes,
  ...executionRoutes,
  ...credentialRoutes,
  ...eventRoutes,
} as const;
export type EngineRoutes = typeof engineRoutes;
export type EngineRouteId = keyof EngineRoutes;

export * from './route.js';
export { actionRoutes, type ActionRoutes } from './action-routes.js';
