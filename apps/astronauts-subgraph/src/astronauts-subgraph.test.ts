import { postGraphQL } from '@switchyard/testing';
import type { SubgraphService } from '@switchyard/subgraph-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import astronauts from './data/astronauts.json' with { type: 'json' };
import { createAstronautsSubgraph } from './server.js';

let subgraph: SubgraphService;
let url: string;

beforeAll(async () => {
  subgraph = await createAstronautsSubgraph({ port: 0, host: '127.0.0.1' });
  url = `${(await subgraph.service.listen()).url}/graphql`;
});
afterAll(() => subgraph.service.shutdown());

describe('astronauts subgraph', () => {
  it('answers astronaut(id) and null for an unknown id', async () => {
    const res = await postGraphQL(
      url,
      '{ a: astronaut(id: "16") { id name } b: astronaut(id: "999") { id } }',
    );
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ a: { id: '16', name: 'Neil A. Armstrong' }, b: null });
  });

  it('lists every astronaut of the crewed Apollo program', async () => {
    const res = await postGraphQL<{ astronauts: Array<{ id: string; name: string }> }>(
      url,
      '{ astronauts { id name } }',
    );
    expect(res.data?.astronauts).toHaveLength(32);
    expect(res.data?.astronauts).toContainEqual({ id: '32', name: 'Harrison H. Schmitt' });
    expect(new Set(res.data?.astronauts.map((a) => a.id)).size).toBe(32);
  });

  it('serves its SDL through _service', async () => {
    const res = await postGraphQL<{ _service: { sdl: string } }>(url, '{ _service { sdl } }');
    const sdl = res.data?._service.sdl ?? '';
    expect(sdl).toMatch(/type Astronaut\s+@key\(fields: "id"\)/);
    expect(sdl).toMatch(/astronaut\(id: ID!\): Astronaut/);
    expect(sdl).toMatch(/astronauts: \[Astronaut\]/);
  });

  it('resolves a batch of 50 representations, known and unknown, in order', async () => {
    const ids = Array.from({ length: 50 }, (_, i) => String(i % 2 === 0 ? (i % 32) + 1 : 1000 + i));
    const res = await postGraphQL<{ _entities: Array<{ id: string; name: string } | null> }>(
      url,
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Astronaut { id name } } }',
      { r: ids.map((id) => ({ __typename: 'Astronaut', id })) },
    );
    expect(res.errors).toBeUndefined();
    const byId = new Map(astronauts.map((a) => [a.id, a.name]));
    expect(res.data?._entities).toEqual(ids.map((id) => (byId.has(id) ? { id, name: byId.get(id) } : null)));
    expect(res.data?._entities.filter((e) => e === null)).toHaveLength(25);
  });

  it('serves a landing page, health and readiness', async () => {
    const base = url.replace(/\/graphql$/, '');
    const page = await fetch(url, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<html');
    expect((await fetch(`${base}/health`)).status).toBe(200);
    const ready = await fetch(`${base}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { graphql: { ok: true } } });
  });
});
