import { baseServiceEnv, envVar } from '@switchyard/service-kit';

/** Environment of a subgraph service: the common service variables plus GraphQL switches. */
export function subgraphEnv(defaultPort: number) {
  return {
    ...baseServiceEnv(defaultPort),
    INTROSPECTION: envVar.bool(true),
    LANDING_PAGE: envVar.bool(true),
  };
}
