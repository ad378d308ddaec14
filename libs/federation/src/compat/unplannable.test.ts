import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FED_LINK, startFederation, type Federation } from '../test-fixtures/harness.js';
import { printPlan } from '../index.js';

/**
 * Selections no subgraph can answer are refused with a planning error instead of answered partly (group H):
 * a key field a subgraph marks @external is not its own to return, and an interface without implementations
 * does not drop the fields asked of it.
 */

let fed: Federation;
beforeAll(async () => {
  fed = await startFederation([
    {
      name: 'people',
      typeDefs: `${FED_LINK}
        type Query { item(id: ID!): Item @shareable tagged: Tagged }
        interface Item { id: ID! }
        interface Tagged @key(fields: "id") { id: ID! }
        type Person implements Item @key(fields: "id") { id: ID! name: String! }
        type Team implements Item @key(fields: "id") { id: ID! @external members: [Person!]! }`,
      resolvers: {
        Query: {
          item: (_: unknown, a: { id: string }) =>
            a.id.startsWith('p') ? { __typename: 'Person', id: a.id, name: `name-${a.id}` } : null,
          tagged: () => ({ __typename: 'Tagged', id: 't1' }),
        },
      },
    },
    {
      name: 'teams',
      typeDefs: `${FED_LINK}
        type Query { item(id: ID!): Item @shareable }
        interface Item { id: ID! }
        type Person implements Item @key(fields: "id") { id: ID! @external teams: [Team!]! }
        type Team implements Item @key(fields: "id") { id: ID! title: String! }
        type Tagged @key(fields: "id", resolvable: false) @interfaceObject { id: ID! label: String }`,
      resolvers: {
        Query: {
          item: (_: unknown, a: { id: string }) =>
            a.id.startsWith('t') ? { __typename: 'Team', id: a.id, title: `title-${a.id}` } : null,
        },
      },
    },
  ]);
});
afterAll(async () => {
  await fed?.close();
});

describe('unplannable selections (group H)', () => {
  it('plans type-specific fields where each subgraph owns them', async () => {
    const query = `{ item(id: "t1") { ... on Team { id title } } }`;
    expect(printPlan(fed.ours.planFor(query))).toMatchInlineSnapshot(`
      "QueryPlan {
        Fetch(service: "teams") {
          query { item(id: "t1") { __typename ... on Team { id title } } }
        },
      }"
    `);
    expect((await fed.run(query)).data).toEqual({ item: { id: 't1', title: 'title-t1' } });
  });

  it('refuses an interface field whose key is @external in every subgraph for some type', async () => {
    const result = await fed.run(`{ item(id: "p1") { id } }`);
    expect(result.data).toBeUndefined();
    expect(result.errors?.[0]?.extensions?.code).toBe('QUERY_PLANNING_FAILED');
  });

  it('refuses a field of an interface without implementations that no subgraph can resolve', async () => {
    const result = await fed.run(`{ tagged { label } }`);
    expect(result.data).toBeUndefined();
    expect(result.errors?.[0]?.extensions?.code).toBe('QUERY_PLANNING_FAILED');
  });
});
