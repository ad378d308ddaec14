import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classicSubgraphs } from './test-fixtures/classic.js';
import { comparable, startFederation, type Federation } from './test-fixtures/harness.js';
import { printPlan } from './index.js';

let fed: Federation;
beforeAll(async () => {
  fed = await startFederation(classicSubgraphs);
});
afterAll(async () => {
  await fed?.close();
});

async function same(query: string, variables?: Record<string, unknown>, operationName?: string) {
  const [ours, theirs] = await Promise.all([
    fed.run(query, variables, operationName),
    fed.oracle(query, variables, operationName),
  ]);
  expect(comparable(ours)).toEqual(comparable(theirs));
  return ours;
}

describe('classic federation', () => {
  it('plans and runs a multi-subgraph query', async () => {
    const query = `{ topProducts { upc name price shippingEstimate inStock reviews { body author { username name reviews { body product { name } } } } } }`;
    expect(printPlan(fed.ours.planFor(query))).toContain(
      'Flatten(path: "topProducts.@.reviews.@.author.reviews.@.product")',
    );
    const r = await same(query);
    expect(r.errors).toBeUndefined();
  });

  it.each([
    ['provides on a list', `{ me { reviews { author { username id } } } }`],
    ['requires across two subgraphs', `{ me { reviews { product { shippingEstimate name } } } }`],
    ['shareable field from the current subgraph', `{ users { username reviews { body } } }`],
    [
      'argument default and variable',
      `query ($n: Int) { a: topProducts(first: $n) { name } b: topProducts { upc } }`,
    ],
  ])('%s', async (_name, query) => {
    const r = await same(query, { n: 2 });
    expect(r.errors).toBeUndefined();
  });
});
