import { runSubgraph } from '@switchyard/subgraph-kit';
import { createAstronautsSubgraph, defaultPort, serviceName } from './server.js';

await runSubgraph(serviceName, defaultPort, createAstronautsSubgraph);
