import { postGraphQL } from '@switchyard/testing';
import type { SubgraphService } from '@switchyard/subgraph-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMissionsSubgraph } from './server.js';

let subgraph: SubgraphService;
let url: string;

beforeAll(async () => {
  subgraph = await createMissionsSubgraph({ port: 0, host: '127.0.0.1' });
  url = `${(await subgraph.service.listen()).url}/graphql`;
});
afterAll(() => subgraph.service.shutdown());

describe('missions subgraph', () => {
  it('answers mission(id) with its crew as Astronaut references', async () => {
    const res = await postGraphQL(
      url,
      '{ mission(id: "11") { id designation startDate endDate crew { id } } none: mission(id: "2") { id } }',
    );
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({
      mission: {
        id: '11',
        designation: 'Apollo 11',
        startDate: '1969-07-16',
        endDate: '1969-07-24',
        crew: [{ id: '16' }, { id: '17' }, { id: '18' }],
      },
      none: null,
    });
  });

  it('lists Apollo 1 and Apollo 7 through 17', async () => {
    const res = await postGraphQL<{ missions: Array<{ designation: string; crew: unknown[] }> }>(
      url,
      '{ missions { designation crew { id } } }',
    );
    const designations = res.data?.missions.map((m) => m.designation);
    expect(designations).toEqual(['Apollo 1', ...Array.from({ length: 11 }, (_, i) => `Apollo ${i + 7}`)]);
    expect(res.data?.missions.every((m) => m.crew.length === 3)).toBe(true);
  });

  it('resolves Astronaut.missions through _entities, null for an astronaut it does not know', async () => {
    const res = await postGraphQL<{ _entities: Array<{ missions: Array<{ designation: string }> } | null> }>(
      url,
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Astronaut { missions { designation } } } }',
      {
        r: [
          { __typename: 'Astronaut', id: '8' },
          { __typename: 'Astronaut', id: '404' },
          { __typename: 'Astronaut', id: '15' },
        ],
      },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?._entities).toEqual([
      { missions: [{ designation: 'Apollo 8' }, { designation: 'Apollo 13' }] },
      null,
      { missions: [{ designation: 'Apollo 10' }, { designation: 'Apollo 17' }] },
    ]);
  });

  it('resolves a batch of 50 Mission representations with map lookups', async () => {
    const ids = Array.from({ length: 50 }, (_, i) => String(i));
    const known = new Set(['1', '7', '8', '9', '10', '11', '12', '13', '14', '15', '16', '17']);
    const res = await postGraphQL<{ _entities: Array<{ id: string; designation: string } | null> }>(
      url,
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Mission { id designation } } }',
      { r: ids.map((id) => ({ __typename: 'Mission', id })) },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?._entities).toEqual(
      ids.map((id) => (known.has(id) ? { id, designation: `Apollo ${id}` } : null)),
    );
  });

  it('serves its SDL through _service', async () => {
    const res = await postGraphQL<{ _service: { sdl: string } }>(url, '{ _service { sdl } }');
    const sdl = res.data?._service.sdl ?? '';
    expect(sdl).toMatch(/type Mission\s+@key\(fields: "id"\)/);
    expect(sdl).toMatch(/type Astronaut\s+@key\(fields: "id"\)/);
    expect(sdl).toMatch(/missions: \[Mission\]/);
  });
});
