import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { composeServices } from '@apollo/composition';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { composeSupergraph } from '../compose.js';
import { execute, graphql, parse, subscribe, validate, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { FederationGateway, type GraphQLResult } from '../index.js';

export interface FixtureSubgraph {
  name: string;
  typeDefs: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  resolvers: Record<string, any>;
  /** Delay every response (ms), for timeout tests. */
  delayMs?: number;
}

export const FED_LINK = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable", "@external", "@requires", "@provides", "@override", "@interfaceObject", "@inaccessible"])`;

export interface RunningSubgraph {
  name: string;
  url: string;
  /** Requests received so far (query texts). */
  requests: Array<{ query: string; variables?: Record<string, unknown> }>;
  headers: Array<Record<string, string | string[] | undefined>>;
  close(): Promise<void>;
}

/** A real HTTP server executing a `@apollo/subgraph` schema. */
export async function startSubgraph(def: FixtureSubgraph): Promise<RunningSubgraph> {
  const schema: GraphQLSchema = buildSubgraphSchema([
    { typeDefs: parse(def.typeDefs), resolvers: def.resolvers as never },
  ]);
  const requests: RunningSubgraph['requests'] = [];
  const headers: RunningSubgraph['headers'] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          query: string;
          variables?: Record<string, unknown>;
          operationName?: string;
        };
        requests.push({ query: body.query, variables: body.variables });
        headers.push(req.headers);
        const result = await graphql({
          schema,
          source: body.query,
          variableValues: body.variables,
          operationName: body.operationName,
          contextValue: { headers: req.headers },
        });
        if (def.delayMs) await new Promise((r) => setTimeout(r, def.delayMs));
        res.writeHead(200, { 'content-type': 'application/json' });
        // Like a subgraph server in development mode, errors carry their stack traces.
        const errors = result.errors?.map((e) => ({
          ...e.toJSON(),
          extensions: { ...e.extensions, stacktrace: e.stack?.split('\n') },
        }));
        res.end(JSON.stringify(errors ? { ...result, errors } : result));
      } catch (error) {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ errors: [{ message: (error as Error).message }] }));
      }
    });
  });
  const wss = new WebSocketServer({ server, path: '/graphql' });
  useServer(
    {
      schema,
      execute,
      subscribe,
      onSubscribe: (_ctx, _id, payload) => {
        const document = parse(payload.query);
        const errors = validate(schema, document);
        if (errors.length > 0) return errors;
        return { schema, document, variableValues: payload.variables ?? undefined };
      },
    },
    wss,
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    name: def.name,
    url: `http://127.0.0.1:${port}/graphql`,
    requests,
    headers,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Composes fixture subgraphs through the library's own composition path. */
export function compose(defs: Array<{ name: string; typeDefs: string; url: string }>): string {
  return composeSupergraph(defs.map((d) => ({ name: d.name, url: d.url, sdl: d.typeDefs })));
}

/** Composes fixture subgraphs with `@apollo/composition` (a test oracle only). */
export function composeWithApollo(defs: Array<{ name: string; typeDefs: string; url: string }>): string {
  const result = composeServices(
    defs.map((d) => ({ name: d.name, url: d.url, typeDefs: parse(d.typeDefs) })),
  );
  if (!result.supergraphSdl) throw new Error(result.errors?.map((e) => e.message).join('\n'));
  return result.supergraphSdl;
}

export interface Federation {
  supergraphSdl: string;
  subgraphs: RunningSubgraph[];
  ours: FederationGateway;
  /** Runs a request through our gateway. */
  run(query: string, variables?: Record<string, unknown>, operationName?: string): Promise<GraphQLResult>;
  /** Runs a request through @apollo/gateway (the oracle). */
  oracle(query: string, variables?: Record<string, unknown>, operationName?: string): Promise<GraphQLResult>;
  close(): Promise<void>;
}

/** Starts the subgraphs, composes them, and builds both our gateway and Apollo's over the same servers. */
export async function startFederation(
  defs: FixtureSubgraph[],
  options: {
    timeoutMs?: number;
    subgraphTimeoutsMs?: Record<string, number>;
    /** Composes with Apollo's composition instead of the library's (their choices differ in places). */
    apolloComposition?: boolean;
  } = {},
): Promise<Federation> {
  const subgraphs = await Promise.all(defs.map(startSubgraph));
  const located = defs.map((d, i) => ({ name: d.name, typeDefs: d.typeDefs, url: subgraphs[i]!.url }));
  const supergraphSdl = options.apolloComposition ? composeWithApollo(located) : compose(located);
  const ours = new FederationGateway({
    supergraphSdl,
    timeoutMs: options.timeoutMs,
    subgraphTimeoutsMs: options.subgraphTimeoutsMs,
  });
  let apollo: ApolloServer | undefined;
  const oracleServer = async () => {
    if (!apollo) {
      // The oracle's OpenTelemetry GCP detector would probe the cloud metadata address; tests stay on 127.0.0.1.
      process.env.METADATA_SERVER_DETECTION = 'none';
      apollo = new ApolloServer({
        gateway: new ApolloGateway({ supergraphSdl }),
        includeStacktraceInErrorResponses: false,
      });
      await apollo.start();
    }
    return apollo;
  };
  return {
    supergraphSdl,
    subgraphs,
    ours,
    run: (query, variables, operationName) => ours.execute({ query, variables, operationName }),
    oracle: async (query, variables, operationName) => {
      const server = await oracleServer();
      const response = await server.executeOperation({ query, variables, operationName });
      if (response.body.kind !== 'single') throw new Error('unexpected incremental response');
      return response.body.singleResult as GraphQLResult;
    },
    close: async () => {
      await ours.close();
      await apollo?.stop();
      await Promise.all(subgraphs.map((s) => s.close()));
    },
  };
}

/** Strips what legitimately differs between gateways (locations, extension details) for comparison. */
export function comparable(result: GraphQLResult): unknown {
  return JSON.parse(
    JSON.stringify({
      data: result.data,
      errors: result.errors?.map((e) => ({ message: e.message, path: e.path })),
    }),
  );
}
