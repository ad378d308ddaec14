import { describe, expect, it } from 'vitest';
import { FederationGateway, printPlan } from './index.js';
import { classicSubgraphs } from './test-fixtures/classic.js';
import { compose } from './test-fixtures/harness.js';

const gateway = new FederationGateway({
  supergraphSdl: compose(
    classicSubgraphs.map((s) => ({
      name: s.name,
      typeDefs: s.typeDefs,
      url: `http://127.0.0.1:9/${s.name}`,
    })),
  ),
});
const plan = (query: string, variables?: Record<string, unknown>) =>
  printPlan(gateway.planFor(query, undefined, variables));

describe('query plans', () => {
  it('uses a single fetch when one subgraph has everything', () => {
    expect(plan(`{ me { name } }`)).toBe(`QueryPlan {
  Fetch(service: "accounts") {
    query { me { name } }
  },
}`);
  });

  it('skips the fetch for a field the path @provides', () => {
    expect(plan(`{ topProducts { reviews { author { username } } } }`)).toBe(`QueryPlan {
  Sequence {
    Fetch(service: "products") {
      query { topProducts { __typename upc } }
    },
    Flatten(path: "topProducts.@") {
      Fetch(service: "reviews") {
        {
          ... on Product { __typename upc }
        } =>
        query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Product { reviews { author { username } } } } }
      },
    },
  },
}`);
  });

  it('fetches @requires fields before the field that needs them', () => {
    expect(plan(`query Ship($n: Int) { topProducts(first: $n) { shippingEstimate } }`)).toBe(`QueryPlan {
  Sequence {
    Fetch(service: "products") {
      query Ship__products__0($n: Int) { topProducts(first: $n) { __typename upc price weight } }
    },
    Flatten(path: "topProducts.@") {
      Fetch(service: "inventory") {
        {
          ... on Product { __typename upc price weight }
        } =>
        query Ship__inventory__1($representations: [_Any!]!) { _entities(representations: $representations) { ... on Product { shippingEstimate } } }
      },
    },
  },
}`);
  });

  it('runs independent root fields in parallel and evaluates @skip at plan time', () => {
    const query = `query ($s: Boolean!) { me { name } topProducts { name } users @skip(if: $s) { id } }`;
    expect(plan(query, { s: true })).toBe(`QueryPlan {
  Parallel {
    Fetch(service: "accounts") {
      query { me { name } }
    },
    Fetch(service: "products") {
      query { topProducts { name } }
    },
  },
}`);
    expect(plan(query, { s: false })).toContain('query { me { name } users { id } }');
  });

  it('chains entity fetches over several hops', () => {
    const text = plan(`{ me { reviews { product { name reviews { author { name } } } } } }`);
    expect(text.match(/Fetch\(service:/g)).toHaveLength(4);
    expect(text).toContain('Flatten(path: "me.reviews.@.product.reviews.@.author")');
  });

  it('caches plans per document, operation and condition values', () => {
    const a = gateway.planFor(`{ me { id } }`);
    expect(gateway.planFor(`{ me { id } }`)).toBe(a);
    expect(gateway.planFor(`{ me   { id } }`)).not.toBe(gateway.planFor(`{ me { name } }`));
  });
});
