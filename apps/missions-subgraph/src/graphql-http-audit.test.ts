import { graphqlHttpAuditSuite } from '@switchyard/testing';
import { createMissionsSubgraph } from './server.js';

graphqlHttpAuditSuite(async () => {
  const subgraph = await createMissionsSubgraph({ port: 0, host: '127.0.0.1' });
  return {
    url: `${(await subgraph.service.listen()).url}/graphql`,
    close: () => subgraph.service.shutdown(),
  };
}, 61);
