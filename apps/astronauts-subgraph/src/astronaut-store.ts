import astronautRows from './data/astronauts.json' with { type: 'json' };

export interface Astronaut {
  id: string;
  name: string;
}

/** Astronauts of the crewed Apollo program, indexed by id. */
export class AstronautStore {
  private readonly byId: ReadonlyMap<string, Astronaut>;

  constructor(readonly all: readonly Astronaut[] = astronautRows) {
    this.byId = new Map(all.map((a) => [a.id, a]));
  }

  get(id: string): Astronaut | null {
    return this.byId.get(id) ?? null;
  }
}
