import { auditGraphQLHttp, startChildApp, type ChildApp } from '@switchyard/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadRouterConfig } from './config.js';
import { createRouterService, type RouterService } from './server.js';

let astronauts: ChildApp;
let missions: ChildApp;
let router: RouterService;
let url: string;

beforeAll(async () => {
  [astronauts, missions] = await Promise.all([
    startChildApp({ app: 'astronauts-subgraph' }),
    startChildApp({ app: 'missions-subgraph' }),
  ]);
  router = await createRouterService(
    loadRouterConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      SUBGRAPHS: `astronauts=${astronauts.url}/graphql,missions=${missions.url}/graphql`,
    }),
  );
  url = `${(await router.listen()).url}/graphql`;
});

afterAll(async () => {
  await router?.shutdown();
  await Promise.all([astronauts?.stop(), missions?.stop()]);
});

it("passes every check of graphql-http's GraphQL-over-HTTP server audit", async () => {
  const report = await auditGraphQLHttp(url);
  expect(report.problems).toEqual([]);
  expect(report.ok).toBe(report.total);
  expect(report.total).toBe(61);
});
