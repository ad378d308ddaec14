import { auditGraphQLHttp } from '@switchyard/testing';
import type { SubgraphService } from '@switchyard/subgraph-kit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createMissionsSubgraph } from './server.js';

let subgraph: SubgraphService;
let url: string;

beforeAll(async () => {
  subgraph = await createMissionsSubgraph({ port: 0, host: '127.0.0.1' });
  url = `${(await subgraph.service.listen()).url}/graphql`;
});
afterAll(() => subgraph.service.shutdown());

it("passes every check of graphql-http's GraphQL-over-HTTP server audit", async () => {
  const report = await auditGraphQLHttp(url);
  expect(report.problems).toEqual([]);
  expect(report.ok).toBe(report.total);
  expect(report.total).toBe(61);
});
