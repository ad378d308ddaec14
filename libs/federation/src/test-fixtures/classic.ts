import { FED_LINK, type FixtureSubgraph } from './harness.js';

/** The classic accounts/products/inventory/reviews demo federation. */
const users = [
  { id: '1', name: 'Ada Lovelace', username: '@ada', birthDate: '1815-12-10' },
  { id: '2', name: 'Alan Turing', username: '@complete', birthDate: '1912-06-23' },
];
const products = [
  { upc: '1', name: 'Table', price: 899, weight: 100 },
  { upc: '2', name: 'Couch', price: 1299, weight: 1000 },
  { upc: '3', name: 'Chair', price: 54, weight: 50 },
];
const inventory = [
  { upc: '1', inStock: true },
  { upc: '2', inStock: false },
  { upc: '3', inStock: true },
];
const reviews = [
  { id: '1', authorId: '1', upc: '1', body: 'Love it!' },
  { id: '2', authorId: '1', upc: '2', body: 'Too expensive.' },
  { id: '3', authorId: '2', upc: '3', body: 'Could be better.' },
  { id: '4', authorId: '2', upc: '1', body: 'Prefer something else.' },
];

export const classicSubgraphs: FixtureSubgraph[] = [
  {
    name: 'accounts',
    typeDefs: `${FED_LINK}
      type Query { me: User users: [User!]! user(id: ID!): User }
      type User @key(fields: "id") { id: ID! name: String username: String @shareable birthDate: String }`,
    resolvers: {
      Query: {
        me: () => users[0],
        users: () => users,
        user: (_: unknown, a: { id: string }) => users.find((u) => u.id === a.id) ?? null,
      },
      User: { __resolveReference: (ref: { id: string }) => users.find((u) => u.id === ref.id) ?? null },
    },
  },
  {
    name: 'products',
    typeDefs: `${FED_LINK}
      type Query { topProducts(first: Int = 5): [Product] product(upc: String!): Product }
      type Product @key(fields: "upc") { upc: String! name: String price: Int weight: Int }`,
    resolvers: {
      Query: {
        topProducts: (_: unknown, a: { first: number }) => products.slice(0, a.first),
        product: (_: unknown, a: { upc: string }) => products.find((p) => p.upc === a.upc) ?? null,
      },
      Product: {
        __resolveReference: (ref: { upc: string }) => products.find((p) => p.upc === ref.upc) ?? null,
      },
    },
  },
  {
    name: 'inventory',
    typeDefs: `${FED_LINK}
      type Product @key(fields: "upc") {
        upc: String!
        weight: Int @external
        price: Int @external
        inStock: Boolean
        shippingEstimate: Int @requires(fields: "price weight")
      }`,
    resolvers: {
      Product: {
        __resolveReference: (ref: { upc: string; price?: number; weight?: number }) => ({
          ...ref,
          ...inventory.find((i) => i.upc === ref.upc),
        }),
        shippingEstimate: (p: { price?: number; weight?: number }) => {
          if (p.price === undefined || p.weight === undefined)
            throw new Error('price and weight are required');
          return p.price > 1000 ? 0 : Math.round(p.weight * 0.5);
        },
      },
    },
  },
  {
    name: 'reviews',
    typeDefs: `${FED_LINK}
      type Review @key(fields: "id") { id: ID! body: String author: User @provides(fields: "username") product: Product }
      type User @key(fields: "id") { id: ID! username: String @external reviews: [Review] }
      type Product @key(fields: "upc") { upc: String! reviews: [Review] }`,
    resolvers: {
      Review: {
        author: (r: { authorId: string }) => ({
          __typename: 'User',
          id: r.authorId,
          username: users.find((u) => u.id === r.authorId)?.username,
        }),
        product: (r: { upc: string }) => ({ __typename: 'Product', upc: r.upc }),
      },
      User: { reviews: (u: { id: string }) => reviews.filter((r) => r.authorId === u.id) },
      Product: { reviews: (p: { upc: string }) => reviews.filter((r) => r.upc === p.upc) },
    },
  },
];
