import { runSubgraph } from '@switchyard/subgraph-kit';
import { createMissionsSubgraph, defaultPort, serviceName } from './server.js';

await runSubgraph(serviceName, defaultPort, createMissionsSubgraph);
