import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  graphql,
  GraphQLInt,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
} from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { graphiqlAssetsHandler } from '../assets-handler.js';
import { graphiqlPage } from '../page.js';
import { GRAPHIQL_ASSETS_PATH, sendGraphiqlPage } from '../send-page.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What the server saw: the credentials each transport carried, and the subscriptions started over graphql-ws. */
export interface SeenByServer {
  httpAuthorization: Array<string | undefined>;
  wsSessionTokens: Array<unknown>;
  wsSubscriptions: number;
}

const schema = new GraphQLSchema({
  query: new GraphQLObjectType({
    name: 'Query',
    fields: { hello: { type: GraphQLString, resolve: () => 'world' } },
  }),
  subscription: new GraphQLObjectType({
    name: 'Subscription',
    fields: {
      countdown: {
        type: GraphQLInt,
        args: { from: { type: new GraphQLNonNull(GraphQLInt) } },
        subscribe: async function* (_root: unknown, args: { from: number }) {
          for (let i = args.from; i >= 0; i--) {
            yield { countdown: i };
            await sleep(20);
          }
        },
      },
    },
  }),
});

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** A real GraphQL server (HTTP + graphql-ws) on 127.0.0.1 that serves the GraphiQL page on GET /graphql. */
export async function startGraphqlTestServer(options: { sessionToken: boolean }) {
  const seen: SeenByServer = { httpAuthorization: [], wsSessionTokens: [], wsSubscriptions: 0 };
  const assets = graphiqlAssetsHandler();
  const page = graphiqlPage({
    title: 'test',
    endpoint: '/graphql',
    assetsPath: GRAPHIQL_ASSETS_PATH,
    sessionToken: options.sessionToken,
  });
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname.startsWith(`${GRAPHIQL_ASSETS_PATH}/`)) {
      req.url = url.pathname.slice(GRAPHIQL_ASSETS_PATH.length);
      assets(req, res, () => {
        res.statusCode = 404;
        res.end();
      });
      return;
    }
    if (url.pathname === '/graphql' && req.method === 'GET') {
      sendGraphiqlPage(res, page);
      return;
    }
    if (url.pathname === '/graphql' && req.method === 'POST') {
      seen.httpAuthorization.push(req.headers.authorization);
      void readBody(req).then(async (text) => {
        const body = JSON.parse(text) as { query: string; variables?: Record<string, unknown> };
        const result = await graphql({ schema, source: body.query, variableValues: body.variables ?? null });
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(result));
      });
      return;
    }
    res.statusCode = 404;
    res.end();
  });
  const wss = new WebSocketServer({ server, path: '/graphql' });
  useServer(
    {
      schema,
      onConnect: (ctx) => {
        seen.wsSessionTokens.push(ctx.connectionParams?.sessionToken);
      },
      onSubscribe: () => {
        seen.wsSubscriptions++;
      },
    },
    wss,
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    seen,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
