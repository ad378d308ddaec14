import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FED_LINK, startFederation, type Federation } from '../test-fixtures/harness.js';
import { printPlan } from '../index.js';

/**
 * Value-type fields that no single subgraph can answer whole (group B), and a choice between subgraphs that
 * only look-ahead gets right (group C).
 */
let fed: Federation;
beforeAll(async () => {
  fed = await startFederation([
    {
      name: 'accounts',
      typeDefs: `${FED_LINK}
        type Query { profile: Profile! @shareable orders: [Order!]! }
        type Profile @shareable { id: ID! email: String! }
        type Order @key(fields: "id") { id: ID! box: Box @shareable }
        type Box @shareable { size: Int }`,
      resolvers: {
        Query: {
          profile: () => ({ id: 'u1', email: 'u1@example.org' }),
          orders: () => [
            { id: 'o1', box: { size: 3 } },
            { id: 'o2', box: { size: 3 } },
          ],
        },
      },
    },
    {
      name: 'assets',
      typeDefs: `${FED_LINK}
        type Query { profile: Profile! @shareable }
        type Profile @shareable { id: ID! avatar: Image! }
        type Image { url: String! }
        type Order @key(fields: "id") { id: ID! summary: Summary @shareable box: Box @shareable }
        type Summary @shareable { total: Int }
        type Box @shareable { size: Int }`,
      resolvers: {
        Query: { profile: () => ({ id: 'u1', avatar: { url: '/u1.png' } }) },
        Order: {
          __resolveReference: (ref: { id: string }) => ref,
          summary: (o: { id: string }) => ({ total: o.id === 'o1' ? 10 : 20 }),
          box: () => ({ size: 3 }),
        },
      },
    },
    {
      name: 'delivery',
      typeDefs: `${FED_LINK}
        type Order @key(fields: "id") { id: ID! summary: Summary @shareable box: Box @shareable }
        type Summary @shareable { eta: String }
        type Box @shareable { size: Int label: String }`,
      resolvers: {
        Order: {
          __resolveReference: (ref: { id: string }) => ref,
          summary: (o: { id: string }) => ({ eta: `eta-${o.id}` }),
          box: (o: { id: string }) => ({ size: 3, label: `box-${o.id}` }),
        },
      },
    },
  ]);
});
afterAll(async () => {
  await fed?.close();
});

describe('value-type fields split across subgraphs (group B)', () => {
  it('fetches a shareable root field from each subgraph for its part, in parallel', async () => {
    const query = `{ profile { id email avatar { url } } }`;
    expect(printPlan(fed.ours.planFor(query))).toMatchInlineSnapshot(`
      "QueryPlan {
        Parallel {
          Fetch(service: "accounts") {
            query { profile { id email } }
          },
          Fetch(service: "assets") {
            query { profile { avatar { url } } }
          },
        },
      }"
    `);
    const result = await fed.run(query);
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      profile: { id: 'u1', email: 'u1@example.org', avatar: { url: '/u1.png' } },
    });
  });

  it('fetches a shareable entity field from each subgraph for its part', async () => {
    const query = `{ orders { id summary { total eta } } }`;
    expect(printPlan(fed.ours.planFor(query))).toMatchInlineSnapshot(`
      "QueryPlan {
        Sequence {
          Fetch(service: "accounts") {
            query { orders { id __typename } }
          },
          Parallel {
            Flatten(path: "orders.@") {
              Fetch(service: "assets") {
                {
                  ... on Order { __typename id }
                } =>
                query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Order { summary { total } } } }
              },
            },
            Flatten(path: "orders.@") {
              Fetch(service: "delivery") {
                {
                  ... on Order { __typename id }
                } =>
                query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Order { summary { eta } } } }
              },
            },
          },
        },
      }"
    `);
    const result = await fed.run(query);
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      orders: [
        { id: 'o1', summary: { total: 10, eta: 'eta-o1' } },
        { id: 'o2', summary: { total: 20, eta: 'eta-o2' } },
      ],
    });
  });
});

describe('route choice with look-ahead (group C)', () => {
  it('picks the subgraph that can plan the sub-selection, not the first candidate', async () => {
    const query = `{ orders { box { size label } } }`;
    expect(printPlan(fed.ours.planFor(query))).toMatchInlineSnapshot(`
      "QueryPlan {
        Sequence {
          Fetch(service: "accounts") {
            query { orders { __typename id } }
          },
          Flatten(path: "orders.@") {
            Fetch(service: "delivery") {
              {
                ... on Order { __typename id }
              } =>
              query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Order { box { size label } } } }
            },
          },
        },
      }"
    `);
    const result = await fed.run(query);
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      orders: [{ box: { size: 3, label: 'box-o1' } }, { box: { size: 3, label: 'box-o2' } }],
    });
  });
});
