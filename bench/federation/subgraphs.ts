import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { execute, parse, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import {
  inStock,
  products,
  productsByUpc,
  reviewsByAuthor,
  reviewsByProduct,
  usersById,
  users,
} from './data.js';

const LINK = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable", "@external", "@requires", "@provides"])`;

export const benchSubgraphs = {
  accounts: {
    typeDefs: `${LINK}
      type Query { me: User users: [User!]! }
      type User @key(fields: "id") { id: ID! name: String username: String @shareable }`,
    resolvers: {
      Query: { me: () => users[0], users: () => users },
      User: { __resolveReference: (ref: { id: string }) => usersById.get(ref.id) ?? null },
    },
  },
  products: {
    typeDefs: `${LINK}
      type Query { topProducts(first: Int = 5): [Product!]! }
      type Product @key(fields: "upc") { upc: String! name: String price: Int weight: Int }`,
    resolvers: {
      Query: { topProducts: (_: unknown, a: { first: number }) => products.slice(0, a.first) },
      Product: { __resolveReference: (ref: { upc: string }) => productsByUpc.get(ref.upc) ?? null },
    },
  },
  inventory: {
    typeDefs: `${LINK}
      type Product @key(fields: "upc") {
        upc: String! weight: Int @external price: Int @external
        inStock: Boolean shippingEstimate: Int @requires(fields: "price weight")
      }`,
    resolvers: {
      Product: {
        __resolveReference: (ref: { upc: string; price?: number; weight?: number }) => ({
          ...ref,
          inStock: inStock.has(ref.upc),
        }),
        shippingEstimate: (p: { price?: number; weight?: number }) =>
          p.price === undefined || p.weight === undefined
            ? null
            : p.price > 1000
              ? 0
              : Math.round(p.weight * 0.5),
      },
    },
  },
  reviews: {
    typeDefs: `${LINK}
      type Review @key(fields: "id") { id: ID! body: String author: User @provides(fields: "username") product: Product }
      type User @key(fields: "id") { id: ID! username: String @external reviews: [Review!]! }
      type Product @key(fields: "upc") { upc: String! reviews: [Review!]! }`,
    resolvers: {
      Review: {
        author: (r: { authorId: string }) => ({
          __typename: 'User',
          id: r.authorId,
          username: usersById.get(r.authorId)?.username,
        }),
        product: (r: { upc: string }) => ({ __typename: 'Product', upc: r.upc }),
      },
      User: { reviews: (u: { id: string }) => reviewsByAuthor.get(u.id) ?? [] },
      Product: { reviews: (p: { upc: string }) => reviewsByProduct.get(p.upc) ?? [] },
    },
  },
} as const;

/**
 * A fast subgraph server: parsed and validated documents are cached by query text, and answers are memoized by
 * request body (the data never changes), so the benchmark measures the gateways rather than graphql-js in the
 * subgraphs. Every gateway gets the same treatment; the first request of each distinct body is executed for real.
 */
function serve(schema: GraphQLSchema): Promise<string> {
  const documents = new Map<string, DocumentNode>();
  const answers = new Map<string, string>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const memo = answers.get(raw);
      if (memo !== undefined) {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(memo) });
        res.end(memo);
        return;
      }
      const body = JSON.parse(raw) as {
        query: string;
        variables?: Record<string, unknown>;
      };
      let document = documents.get(body.query);
      let result: unknown;
      if (!document) {
        document = parse(body.query);
        const errors = validate(schema, document);
        if (errors.length > 0) result = { errors };
        else documents.set(body.query, document);
      }
      result ??= await execute({ schema, document, variableValues: body.variables });
      const text = JSON.stringify(result);
      if (answers.size < 10_000) answers.set(raw, text);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    });
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`),
    ),
  );
}

export async function startBenchSubgraphs(): Promise<Record<string, string>> {
  const urls: Record<string, string> = {};
  for (const [name, def] of Object.entries(benchSubgraphs)) {
    const schema = buildSubgraphSchema([
      { typeDefs: parse(def.typeDefs), resolvers: def.resolvers as never },
    ]);
    urls[name] = await serve(schema);
  }
  return urls;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const urls = await startBenchSubgraphs();
  process.stdout.write(`${JSON.stringify(urls)}\n`);
}
