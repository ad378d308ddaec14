import { graphqlHttpAuditSuite } from '@switchyard/testing';
import { expect, it } from 'vitest';
import { createAstronautsSubgraph } from './server.js';

const graphqlUrl = graphqlHttpAuditSuite(async () => {
  const subgraph = await createAstronautsSubgraph({ port: 0, host: '127.0.0.1' });
  return {
    url: `${(await subgraph.service.listen()).url}/graphql`,
    close: () => subgraph.service.shutdown(),
  };
}, 61);

it('refuses a cross-site browser request (Fetch Metadata) while plain GETs from other clients work', async () => {
  const query = `${graphqlUrl()}?query=${encodeURIComponent('{ __typename }')}`;
  const crossSite = await fetch(query, {
    headers: { 'sec-fetch-site': 'cross-site', origin: 'https://elsewhere.example' },
  });
  expect(crossSite.status).toBe(403);
  const sameOrigin = await fetch(query, { headers: { 'sec-fetch-site': 'same-origin' } });
  expect(sameOrigin.status).toBe(200);
});
