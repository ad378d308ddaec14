import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FED_LINK, startFederation, type Federation } from '../test-fixtures/harness.js';
import { printPlan } from '../index.js';

/**
 * A field whose type differs between subgraphs (`@join__field(type:)`): nullability that differs per object
 * type under one response key, and a field that one subgraph types as a single member of the union.
 */
const pets = [
  { __typename: 'Cat', id: 'c1', name: 'Tom' },
  { __typename: 'Robot', id: 'r1', name: 'R2' },
];

let fed: Federation;
beforeAll(async () => {
  fed = await startFederation(
    [
      {
        name: 'owners',
        typeDefs: `${FED_LINK}
        type Query { cats: [Cat!]! }
        type Cat @shareable { id: ID }`,
        resolvers: { Query: { cats: () => [{ id: 'c1' }] } },
      },
      {
        name: 'zoo',
        typeDefs: `${FED_LINK}
        type Query { pets: [Pet!]! home: Home @shareable }
        type Home @shareable { favorite: Pet }
        union Pet = Cat | Robot
        type Cat @key(fields: "id") { id: ID! name: String friends: [Pet!]! }
        type Robot { id: ID name: String friends: [Pet!]! }`,
        resolvers: {
          Query: { pets: () => pets, home: () => ({ favorite: pets[0] }) },
          Cat: { __resolveReference: () => pets[0], friends: () => pets },
          Robot: { friends: () => pets },
        },
      },
      {
        name: 'shelter',
        typeDefs: `${FED_LINK}
        type Query { home: Home @shareable }
        type Home @shareable { since: Int favorite: Cat }
        type Cat @key(fields: "id") { id: ID! }`,
        resolvers: { Query: { home: () => ({ since: 2020, favorite: { id: 'c1' } }) } },
      },
    ],
    { apolloComposition: true },
  );
});
afterAll(async () => {
  await fed?.close();
});

describe('per-subgraph field types (group A)', () => {
  const mismatch = `{ cats { id } pets { ... on Cat { id name friends { ... on Cat { id } ... on Robot { id } } } ... on Robot { id name friends { ... on Cat { id } ... on Robot { id } } } } }`;

  it('asks under an alias where types under one response key differ', () => {
    expect(printPlan(fed.ours.planFor(mismatch))).toMatchInlineSnapshot(`
      "QueryPlan {
        Parallel {
          Fetch(service: "owners") {
            query { cats { id } }
          },
          Fetch(service: "zoo") {
            query { pets { __typename ... on Cat { id name friends { __typename ... on Cat { id } ... on Robot { id__sy_ID: id } } } ... on Robot { id__sy_ID: id name friends { __typename ... on Cat { id } ... on Robot { id__sy_ID: id } } } } }
          },
        },
      }"
    `);
  });

  it('returns the aliased answers under their own keys', async () => {
    const result = await fed.run(mismatch);
    expect(result.errors).toBeUndefined();
    const friends = [{ id: 'c1' }, { id: 'r1' }];
    expect(result.data).toEqual({
      cats: [{ id: 'c1' }],
      pets: [
        { id: 'c1', name: 'Tom', friends },
        { id: 'r1', name: 'R2', friends },
      ],
    });
  });

  const narrowed = `{ home { since favorite { __typename ... on Robot { name } ... on Cat { id } } } }`;

  it('drops fragments that cannot apply to the subgraph type of the field', () => {
    expect(fed.supergraphSdl).toContain('favorite: Pet @join__field(graph: SHELTER, type: "Cat")');
    expect(printPlan(fed.ours.planFor(narrowed))).toMatchInlineSnapshot(`
      "QueryPlan {
        Fetch(service: "shelter") {
          query { home { since favorite { __typename id } } }
        },
      }"
    `);
  });

  it('answers through the narrower subgraph', async () => {
    const result = await fed.run(narrowed);
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ home: { since: 2020, favorite: { __typename: 'Cat', id: 'c1' } } });
  });
});
