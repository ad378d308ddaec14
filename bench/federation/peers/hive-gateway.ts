import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createGatewayRuntime } from '@graphql-hive/gateway';

// Benchmark peer: Hive Gateway, optionally with its Rust query planner (@graphql-hive/router-runtime).
const supergraph = readFileSync(process.env.SUPERGRAPH_PATH!, 'utf8');
const useRouterRuntime = process.env.HIVE_RUNTIME === 'router';
const unifiedGraphHandler = useRouterRuntime
  ? (await import('@graphql-hive/router-runtime')).unifiedGraphHandler
  : undefined;
const gateway = createGatewayRuntime({
  supergraph,
  logging: false,
  graphqlEndpoint: '/graphql',
  landingPage: false,
  ...(unifiedGraphHandler ? { unifiedGraphHandler } : {}),
});
const server = createServer(gateway);
server.listen(Number(process.env.PORT), '127.0.0.1', () =>
  process.stdout.write(`ready http://127.0.0.1:${process.env.PORT}/graphql\n`),
);
