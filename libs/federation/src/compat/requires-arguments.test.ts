import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FED_LINK, startFederation, type Federation } from '../test-fixtures/harness.js';
import { printPlan } from '../index.js';

/**
 * Requirements with arguments: the catalog prices a parcel in two currencies and reads reviews with a limit,
 * while the operation may ask for the same fields with other arguments.
 */
const parcels = [
  { id: 'p1', usd: 10, eur: 9, stars: [5, 4, 1] },
  { id: 'p2', usd: 20, eur: 18, stars: [2, 3] },
];
const find = (id: string) => parcels.find((p) => p.id === id)!;

let fed: Federation;
beforeAll(async () => {
  fed = await startFederation([
    {
      name: 'catalog',
      typeDefs: `${FED_LINK}
        type Query { parcels: [Parcel!]! }
        type Parcel @key(fields: "id") {
          id: ID!
          cost(currency: String!): Int!
          reviews(first: Int!): [Review!]!
        }
        type Review @shareable { stars: Int! }`,
      resolvers: {
        Query: { parcels: () => parcels.map((p) => ({ id: p.id })) },
        Parcel: {
          __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
          cost: (p: { id: string }, a: { currency: string }) =>
            a.currency === 'EUR' ? find(p.id).eur : find(p.id).usd,
          reviews: (p: { id: string }, a: { first: number }) =>
            find(p.id)
              .stars.slice(0, a.first)
              .map((stars) => ({ stars })),
        },
      },
    },
    {
      name: 'shipping',
      typeDefs: `${FED_LINK}
        type Parcel @key(fields: "id") {
          id: ID!
          cost(currency: String!): Int! @external
          reviews(first: Int!): [Review!]! @external
          insuranceUSD: Int! @requires(fields: "cost(currency: \\"USD\\")")
          insuranceEUR: Int! @requires(fields: "cost(currency: \\"EUR\\")")
          rating: Int! @requires(fields: "reviews(first: 2) { stars }")
        }
        type Review @shareable { stars: Int! }`,
      resolvers: {
        Parcel: {
          insuranceUSD: (p: { cost: number }) => p.cost * 100,
          insuranceEUR: (p: { cost: number }) => p.cost * 1000,
          rating: (p: { reviews: Array<{ stars: number }> }) => p.reviews.reduce((n, r) => n + r.stars, 0),
        },
      },
    },
  ]);
});
afterAll(async () => {
  await fed?.close();
});

describe('@requires with arguments (group D)', () => {
  const query = `{ parcels { id reviews(first: 1) { stars } cost(currency: "GBP") insuranceUSD insuranceEUR rating } }`;

  it('aliases required fields and gives conflicting requirements their own fetch', () => {
    expect(printPlan(fed.ours.planFor(query))).toMatchInlineSnapshot(`
      "QueryPlan {
        Sequence {
          Fetch(service: "catalog") {
            query { parcels { id reviews(first: 1) { stars } cost(currency: "GBP") __typename __sy_cost_11rus8j: cost(currency: "USD") __sy_cost_drt1nr: cost(currency: "EUR") __sy_reviews_tplpze: reviews(first: 2) { stars } } }
          },
          Parallel {
            Flatten(path: "parcels.@") {
              Fetch(service: "shipping") {
                {
                  ... on Parcel { __typename id __sy_cost_11rus8j: cost(currency: "USD") __sy_reviews_tplpze: reviews(first: 2) { stars } }
                } =>
                query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Parcel { insuranceUSD rating } } }
              },
            },
            Flatten(path: "parcels.@") {
              Fetch(service: "shipping") {
                {
                  ... on Parcel { __typename id __sy_cost_drt1nr: cost(currency: "EUR") }
                } =>
                query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Parcel { insuranceEUR } } }
              },
            },
          },
        },
      }"
    `);
  });

  it('answers each field from its own requirement', async () => {
    const result = await fed.run(query);
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      parcels: [
        { id: 'p1', reviews: [{ stars: 5 }], cost: 10, insuranceUSD: 1000, insuranceEUR: 9000, rating: 9 },
        { id: 'p2', reviews: [{ stars: 2 }], cost: 20, insuranceUSD: 2000, insuranceEUR: 18000, rating: 5 },
      ],
    });
  });
});

describe('variable defaults (group E)', () => {
  const query = `query Reviews($n: Int = 1) { parcels { reviews(first: $n) { stars } rating } }`;

  it('declares the default to the subgraph', () => {
    expect(printPlan(fed.ours.planFor(query))).toMatchInlineSnapshot(`
      "QueryPlan {
        Sequence {
          Fetch(service: "catalog") {
            query Reviews__catalog__0($n: Int = 1) { parcels { reviews(first: $n) { stars } __typename id __sy_reviews_tplpze: reviews(first: 2) { stars } } }
          },
          Flatten(path: "parcels.@") {
            Fetch(service: "shipping") {
              {
                ... on Parcel { __typename id __sy_reviews_tplpze: reviews(first: 2) { stars } }
              } =>
              query Reviews__shipping__1($representations: [_Any!]!) { _entities(representations: $representations) { ... on Parcel { rating } } }
            },
          },
        },
      }"
    `);
  });

  it('lets a defaulted nullable variable fill a non-null argument', async () => {
    const result = await fed.run(query);
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      parcels: [
        { reviews: [{ stars: 5 }], rating: 9 },
        { reviews: [{ stars: 2 }], rating: 5 },
      ],
    });
  });
});
