import { auditGraphQLHttp } from '@switchyard/testing';
import type { SubgraphService } from '@switchyard/subgraph-kit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createAstronautsSubgraph } from './server.js';

let subgraph: SubgraphService;
let url: string;

beforeAll(async () => {
  subgraph = await createAstronautsSubgraph({ port: 0, host: '127.0.0.1' });
  url = `${(await subgraph.service.listen()).url}/graphql`;
});
afterAll(() => subgraph.service.shutdown());

it("passes every check of graphql-http's GraphQL-over-HTTP server audit", async () => {
  const report = await auditGraphQLHttp(url);
  expect(report.problems).toEqual([]);
  expect(report.ok).toBe(report.total);
  expect(report.total).toBe(61);
});

it('refuses a cross-site browser request (Fetch Metadata) while plain GETs from other clients work', async () => {
  const query = `${url}?query=${encodeURIComponent('{ __typename }')}`;
  const crossSite = await fetch(query, {
    headers: { 'sec-fetch-site': 'cross-site', origin: 'https://elsewhere.example' },
  });
  expect(crossSite.status).toBe(403);
  const sameOrigin = await fetch(query, { headers: { 'sec-fetch-site': 'same-origin' } });
  expect(sameOrigin.status).toBe(200);
});
