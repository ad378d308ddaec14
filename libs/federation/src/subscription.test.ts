import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classicSubgraphs } from './test-fixtures/classic.js';
import { FED_LINK, startFederation, type Federation } from './test-fixtures/harness.js';
import { FederationGateway, type GraphQLResult } from './index.js';

let fed: Federation;
beforeAll(async () => {
  fed = await startFederation([
    ...classicSubgraphs,
    {
      name: 'news',
      typeDefs: `${FED_LINK}
        type Query { latest: String }
        type Subscription { priceChanged(upcs: [String!]!): Product! }
        type Product @key(fields: "upc") { upc: String! lastChange: Int }`,
      resolvers: {
        Query: { latest: () => 'none' },
        Subscription: {
          priceChanged: {
            subscribe: async function* (_: unknown, a: { upcs: string[] }) {
              for (const [i, upc] of a.upcs.entries()) yield { priceChanged: { upc, lastChange: i + 1 } };
            },
          },
        },
      },
    },
  ]);
});
afterAll(async () => {
  await fed?.close();
});

describe('subscriptions', () => {
  it('forwards the root field over graphql-ws and completes each event with entity fetches', async () => {
    const stream = await fed.ours.subscribe({
      query: `subscription ($upcs: [String!]!) { priceChanged(upcs: $upcs) { upc lastChange name reviews { author { username } } } }`,
      variables: { upcs: ['3', '1'] },
    });
    expect(Symbol.asyncIterator in stream).toBe(true);
    const events: GraphQLResult[] = [];
    for await (const event of stream as AsyncGenerator<GraphQLResult>) events.push(event);
    expect(events).toEqual([
      {
        data: {
          priceChanged: {
            upc: '3',
            lastChange: 1,
            name: 'Chair',
            reviews: [{ author: { username: '@complete' } }],
          },
        },
      },
      {
        data: {
          priceChanged: {
            upc: '1',
            lastChange: 2,
            name: 'Table',
            reviews: [{ author: { username: '@ada' } }, { author: { username: '@complete' } }],
          },
        },
      },
    ]);
  });

  it('ends with a coded error when the subgraph cannot be reached', async () => {
    const gateway = new FederationGateway({
      supergraphSdl: fed.supergraphSdl,
      subgraphUrls: { news: 'http://127.0.0.1:9/graphql' },
    });
    try {
      const stream = await gateway.subscribe({
        query: `subscription { priceChanged(upcs: ["1"]) { upc name } }`,
      });
      const events: GraphQLResult[] = [];
      for await (const event of stream as AsyncGenerator<GraphQLResult>) events.push(event);
      expect(events).toHaveLength(1);
      expect(events[0]!.data).toBeNull();
      expect(events[0]!.errors?.[0]?.extensions).toMatchObject({
        code: 'SUBREQUEST_HTTP_ERROR',
        serviceName: 'news',
      });
    } finally {
      await gateway.close();
    }
  });

  it('rejects a subscription sent as a query', async () => {
    const result = await fed.ours.execute({ query: `subscription { priceChanged(upcs: ["1"]) { upc } }` });
    expect(result.errors?.[0]?.extensions?.code).toBe('OPERATION_NOT_ALLOWED');
  });
});
