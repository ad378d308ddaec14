export { createSubgraphService } from './subgraph-service.js';
export type {
  SubgraphResolvers,
  SubgraphRuntimeOptions,
  SubgraphService,
  SubgraphServiceOptions,
} from './subgraph-service.js';
export { subgraphEnv } from './subgraph-env.js';
export { runSubgraph } from './run-subgraph.js';
