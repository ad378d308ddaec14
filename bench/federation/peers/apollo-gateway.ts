import { readFileSync } from 'node:fs';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';

// Benchmark peer only: @apollo/gateway is Elastic-2.0 and never part of Switchyard's runtime.
const supergraphSdl = readFileSync(process.env.SUPERGRAPH_PATH!, 'utf8');
const server = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl }) });
const { url } = await startStandaloneServer(server, {
  listen: { port: Number(process.env.PORT), host: '127.0.0.1' },
});
process.stdout.write(`ready ${url}\n`);
