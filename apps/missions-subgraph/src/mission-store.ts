import missionRows from './data/missions.json' with { type: 'json' };

export interface MissionRecord {
  id: string;
  designation: string;
  startDate: string | null;
  endDate: string | null;
  /** Astronaut ids, in crew order (commander first). */
  crew: string[];
}

/** Missions indexed by id, and each crew member's missions indexed by astronaut id. */
export class MissionStore {
  private readonly byId: ReadonlyMap<string, MissionRecord>;
  private readonly byAstronaut: ReadonlyMap<string, MissionRecord[]>;

  constructor(readonly all: readonly MissionRecord[] = missionRows) {
    this.byId = new Map(all.map((m) => [m.id, m]));
    const byAstronaut = new Map<string, MissionRecord[]>();
    for (const mission of all) {
      for (const astronautId of mission.crew) {
        const list = byAstronaut.get(astronautId);
        if (list) list.push(mission);
        else byAstronaut.set(astronautId, [mission]);
      }
    }
    this.byAstronaut = byAstronaut;
  }

  get(id: string): MissionRecord | null {
    return this.byId.get(id) ?? null;
  }

  /** Whether this subgraph knows the astronaut (flew, or was assigned to, at least one mission). */
  knowsAstronaut(id: string): boolean {
    return this.byAstronaut.has(id);
  }

  missionsOf(astronautId: string): MissionRecord[] {
    return this.byAstronaut.get(astronautId) ?? [];
  }
}
