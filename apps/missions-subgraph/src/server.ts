import {
  createSubgraphService,
  type SubgraphRuntimeOptions,
  type SubgraphService,
} from '@switchyard/subgraph-kit';
import { MissionStore } from './mission-store.js';
import { createResolvers } from './resolvers.js';
import { typeDefs } from './schema.js';

export const serviceName = 'missions-subgraph';
export const defaultPort = 4002;

export function createMissionsSubgraph(options: SubgraphRuntimeOptions): Promise<SubgraphService> {
  return createSubgraphService({
    ...options,
    name: serviceName,
    typeDefs,
    resolvers: createResolvers(new MissionStore()),
  });
}
