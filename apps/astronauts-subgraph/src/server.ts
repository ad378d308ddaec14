import {
  createSubgraphService,
  type SubgraphRuntimeOptions,
  type SubgraphService,
} from '@switchyard/subgraph-kit';
import { AstronautStore } from './astronaut-store.js';
import { createResolvers } from './resolvers.js';
import { typeDefs } from './schema.js';

export const serviceName = 'astronauts-subgraph';
export const defaultPort = 4001;

export function createAstronautsSubgraph(options: SubgraphRuntimeOptions): Promise<SubgraphService> {
  return createSubgraphService({
    ...options,
    name: serviceName,
    typeDefs,
    resolvers: createResolvers(new AstronautStore()),
  });
}
