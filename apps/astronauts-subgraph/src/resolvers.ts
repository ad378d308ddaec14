import type { SubgraphResolvers } from '@switchyard/subgraph-kit';
import type { AstronautStore } from './astronaut-store.js';

export function createResolvers(store: AstronautStore): SubgraphResolvers {
  return {
    Query: {
      astronaut: (_: unknown, { id }: { id: string }) => store.get(id),
      astronauts: () => store.all,
    },
    Astronaut: {
      // One map lookup per representation: a batch of N is answered in N constant-time lookups.
      __resolveReference: ({ id }: { id: string }) => store.get(id),
    },
  };
}
