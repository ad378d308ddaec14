import type { SubgraphResolvers } from '@switchyard/subgraph-kit';
import type { MissionRecord, MissionStore } from './mission-store.js';

interface AstronautRef {
  id: string;
}

export function createResolvers(store: MissionStore): SubgraphResolvers {
  return {
    Query: {
      mission: (_: unknown, { id }: { id: string }) => store.get(id),
      missions: () => store.all,
    },
    Mission: {
      __resolveReference: ({ id }: { id: string }) => store.get(id),
      crew: (mission: MissionRecord): AstronautRef[] => mission.crew.map((id) => ({ id })),
    },
    Astronaut: {
      // Map lookups only: unknown astronauts resolve to null.
      __resolveReference: ({ id }: AstronautRef) => (store.knowsAstronaut(id) ? { id } : null),
      missions: ({ id }: AstronautRef) => store.missionsOf(id),
    },
  };
}
