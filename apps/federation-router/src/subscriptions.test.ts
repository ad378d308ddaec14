import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeSupergraph, fetchSubgraphSdl } from '@switchyard/federation';
import { startChildApp, type ChildApp } from '@switchyard/testing';
import { buildSchema, graphql } from 'graphql';
import { createClient } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { loadRouterConfig } from './config.js';
import { createRouterService, type RouterService } from './server.js';

/** A small subgraph (plain graphql-js over HTTP and graphql-ws) that streams astronaut references. */
const eventsSdl = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
  type Query { whoami: String }
  type Subscription { crewAssigned(ids: [ID!]!): Astronaut! }
  type Astronaut @key(fields: "id", resolvable: false) { id: ID! }`;
const eventsSchema = buildSchema(`
  type Query { whoami: String }
  type Subscription { crewAssigned(ids: [ID!]!): Astronaut! }
  type Astronaut { id: ID! }`);
const rootValue = {
  whoami: (_: unknown, ctx: { headers: IncomingHttpHeaders }) =>
    `${ctx.headers.authorization ?? '-'}|${ctx.headers['x-tenant'] ?? '-'}|${ctx.headers.cookie ?? '-'}`,
};
const subscriptionRoot = {
  crewAssigned: async function* ({ ids }: { ids: string[] }) {
    for (const id of ids) yield { crewAssigned: { id } };
  },
};

let astronauts: ChildApp;
let events: Server;
let router: RouterService;
let url: string;
let dir: string;

beforeAll(async () => {
  astronauts = await startChildApp({ app: 'astronauts-subgraph' });
  events = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = JSON.parse(Buffer.concat(chunks).toString()) as {
        query: string;
        variables?: Record<string, unknown>;
      };
      const result = await graphql({
        schema: eventsSchema,
        source: body.query,
        variableValues: body.variables,
        rootValue,
        contextValue: { headers: req.headers },
      });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(result));
    });
  });
  const wss = new WebSocketServer({ server: events, path: '/graphql' });
  useServer({ schema: eventsSchema, roots: { subscription: subscriptionRoot } }, wss);
  await new Promise<void>((resolve) => events.listen(0, '127.0.0.1', resolve));
  const eventsUrl = `http://127.0.0.1:${(events.address() as AddressInfo).port}/graphql`;

  const supergraph = composeSupergraph([
    {
      name: 'astronauts',
      url: `${astronauts.url}/graphql`,
      sdl: await fetchSubgraphSdl(`${astronauts.url}/graphql`),
    },
    { name: 'events', url: eventsUrl, sdl: eventsSdl },
  ]);
  dir = await mkdtemp(join(tmpdir(), 'router-subs-'));
  await writeFile(join(dir, 'supergraph.graphql'), supergraph);
  router = await createRouterService(
    loadRouterConfig({
      PORT: '0',
      LOG_LEVEL: 'silent',
      SUPERGRAPH_PATH: join(dir, 'supergraph.graphql'),
      SUPERGRAPH_WATCH: 'false',
      PROPAGATE_HEADERS: 'authorization,x-tenant',
    }),
  );
  url = `${(await router.listen()).url}/graphql`;
});

afterAll(async () => {
  await router?.shutdown();
  events?.closeAllConnections();
  await new Promise((resolve) => events?.close(resolve));
  await astronauts?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('router subscriptions and headers', () => {
  it('forwards a subscription over graphql-ws and completes each event from another subgraph', async () => {
    const client = createClient({
      url: url.replace('http', 'ws'),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
    });
    try {
      const events: unknown[] = [];
      const query = 'subscription ($ids: [ID!]!) { crewAssigned(ids: $ids) { id name } }';
      for await (const event of client.iterate({ query, variables: { ids: ['1', '2'] } })) events.push(event);
      expect(events).toHaveLength(2);
      const names = events.map(
        (e) => (e as { data: { crewAssigned: { id: string; name: string } } }).data.crewAssigned,
      );
      expect(names.map((n) => n.id)).toEqual(['1', '2']);
      expect(names.every((n) => typeof n.name === 'string' && n.name.length > 0)).toBe(true);
    } finally {
      await client.dispose();
    }
  });

  it('reports a bad subscription as GraphQL errors', async () => {
    const client = createClient({
      url: url.replace('http', 'ws'),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
    });
    try {
      await expect(async () => {
        for await (const _ of client.iterate({ query: 'subscription { nope }' })) void _;
      }).rejects.toSatisfy(
        (e: unknown) => Array.isArray(e) && JSON.stringify(e).includes('GRAPHQL_VALIDATION_FAILED'),
      );
    } finally {
      await client.dispose();
    }
  });

  it('forwards only allow-listed headers to subgraphs', async () => {
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: 'Bearer abc',
        'x-tenant': 't1',
        cookie: 'secret=1',
      },
      body: JSON.stringify({ query: '{ whoami }' }),
    });
    expect(await res.json()).toEqual({ data: { whoami: 'Bearer abc|t1|-' } });
  });

  it('refuses subscriptions over HTTP', async () => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'subscription { crewAssigned(ids: ["1"]) { id } }' }),
    });
    const body = (await res.json()) as { errors: Array<{ extensions: { code: string } }> };
    expect(body.errors[0]!.extensions.code).toBe('OPERATION_NOT_ALLOWED');
  });
});
