export { parseSupergraph, possibleTypes, SupergraphError } from './supergraph.js';
export type {
  Supergraph,
  SubgraphInfo,
  TypeInfo,
  FieldInfo,
  FieldSource,
  TypeInGraph,
} from './supergraph.js';
export { buildApiSchema } from './api-schema.js';
export { QueryPlanner, PlanningError } from './planner.js';
export { printPlan, planToJSON } from './plan.js';
export type {
  QueryPlan,
  PlanNode,
  FetchNode,
  FlattenNode,
  SequenceNode,
  ParallelNode,
  EntityInput,
} from './plan.js';
export { normalizeOperation, selectOperation, coerceVariables, requestError } from './operation.js';
export type { NormalizedOperation, OperationKind } from './operation.js';
export { executePlan, deepMerge } from './executor.js';
export type { ExecutionContext, ExecutionError, ResponsePath } from './executor.js';
export { SubgraphClients, SubgraphHttpError } from './subgraph-client.js';
export type {
  SubgraphFetcher,
  SubgraphRequest,
  SubgraphResponse,
  SubgraphFetchOptions,
} from './subgraph-client.js';
export { FederationGateway, isRequestError } from './gateway.js';
export type {
  FederationGatewayOptions,
  GraphQLRequest,
  GraphQLResult,
  ExecuteOptions,
  PreparedOperation,
} from './gateway.js';
export { DEFAULT_LIMITS, checkLimits } from './limits.js';
export type { DocumentLimits } from './limits.js';
export { composeFromSubgraphs, composeSupergraph, fetchSubgraphSdl } from './compose.js';
export type { SubgraphEndpoint } from './compose.js';
export { subscribeToSubgraph, splitSubscriptionPlan, toWebSocketUrl } from './subscription.js';
