import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { comparable, FED_LINK, startFederation, type Federation } from './test-fixtures/harness.js';
import { printPlan } from './index.js';

const astronauts = [
  { id: '1', name: 'Buzz Aldrin' },
  { id: '2', name: 'Neil Armstrong' },
  { id: '3', name: 'Michael Collins' },
  { id: '4', name: 'Jim Lovell' },
];
const missions = [
  { id: '1', designation: 'Apollo 8', crew: ['4'] },
  { id: '2', designation: 'Apollo 11', crew: ['1', '2', '3'] },
  { id: '3', designation: 'Gemini 12', crew: ['1', '4'] },
];

let fed: Federation;
beforeAll(async () => {
  fed = await startFederation([
    {
      name: 'astronauts',
      typeDefs: `${FED_LINK}
        type Query { astronaut(id: ID!): Astronaut astronauts: [Astronaut] }
        type Astronaut @key(fields: "id") { id: ID! name: String }`,
      resolvers: {
        Query: {
          astronauts: () => astronauts,
          astronaut: (_: unknown, a: { id: string }) => astronauts.find((x) => x.id === a.id),
        },
        Astronaut: {
          __resolveReference: (ref: { id: string }) => astronauts.find((x) => x.id === ref.id) ?? null,
        },
      },
    },
    {
      name: 'missions',
      typeDefs: `${FED_LINK}
        type Query { mission(id: ID!): Mission missions: [Mission] }
        type Mission @key(fields: "id") { id: ID! designation: String! crew: [Astronaut] }
        type Astronaut @key(fields: "id") { id: ID! missions: [Mission] }`,
      resolvers: {
        Query: {
          missions: () => missions,
          mission: (_: unknown, a: { id: string }) => missions.find((m) => m.id === a.id),
        },
        Mission: { crew: (m: { crew: string[] }) => m.crew.map((id) => ({ id })) },
        Astronaut: { missions: (a: { id: string }) => missions.filter((m) => m.crew.includes(a.id)) },
      },
    },
  ]);
});
afterAll(async () => {
  await fed?.close();
});

describe('astronauts and missions', () => {
  const deep = `{ missions { designation crew { name missions { designation crew { name } } } } }`;

  it('answers missions -> crew -> missions -> crew like @apollo/gateway', async () => {
    const ours = await fed.run(deep);
    expect(comparable(ours)).toEqual(comparable(await fed.oracle(deep)));
    const apollo11 = (
      ours.data?.missions as Array<{
        designation: string;
        crew: Array<{ name: string; missions: unknown[] }>;
      }>
    )[1]!;
    expect(apollo11.crew[0]).toEqual({
      name: 'Buzz Aldrin',
      missions: [
        {
          designation: 'Apollo 11',
          crew: [{ name: 'Buzz Aldrin' }, { name: 'Neil Armstrong' }, { name: 'Michael Collins' }],
        },
        { designation: 'Gemini 12', crew: [{ name: 'Buzz Aldrin' }, { name: 'Jim Lovell' }] },
      ],
    });
  });

  it('plans one entity fetch per level', () => {
    const text = printPlan(fed.ours.planFor(deep));
    expect(text.match(/Fetch\(service: "astronauts"\)/g)).toHaveLength(2);
    expect(text).toContain('Flatten(path: "missions.@.crew.@.missions.@.crew.@")');
  });

  it('starts from the other subgraph too', async () => {
    const query = `{ astronaut(id: "4") { name missions { designation crew { name missions { designation } } } } }`;
    expect(comparable(await fed.run(query))).toEqual(comparable(await fed.oracle(query)));
  });
});
