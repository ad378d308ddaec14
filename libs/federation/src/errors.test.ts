import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classicSubgraphs } from './test-fixtures/classic.js';
import { featureSubgraphs } from './test-fixtures/features.js';
import { comparable, startFederation, type Federation } from './test-fixtures/harness.js';

describe('errors and partial data', () => {
  let fed: Federation;
  beforeAll(async () => {
    fed = await startFederation(featureSubgraphs);
  });
  afterAll(async () => {
    await fed?.close();
  });

  async function same(query: string) {
    const ours = await fed.run(query);
    const theirs = await fed.oracle(query);
    expect(comparable(ours)).toEqual(comparable(theirs));
    return ours;
  }

  it('passes a root field error through with its path and serviceName', async () => {
    const result = await same(`{ failingBook { title } books { id } }`);
    expect(result.data).toEqual({ failingBook: null, books: [{ id: 'b1' }, { id: 'b2' }, { id: 'b3' }] });
    expect(JSON.stringify(result)).not.toMatch(/stacktrace|at .*\.ts:\d+/);
    expect(result.errors?.[0]).toMatchObject({
      message: 'book store is closed',
      path: ['failingBook'],
      extensions: { code: 'STORE_CLOSED', serviceName: 'library' },
    });
  });

  it('rewrites _entities error paths to response paths', async () => {
    const result = await same(`{ movies { title director { books { id brokenField } } } }`);
    const paths = result.errors?.map((e) => e.path);
    expect(paths).toContainEqual(['movies', 0, 'director', 'books', 0, 'brokenField']);
    expect(result.errors?.every((e) => e.extensions?.serviceName === 'library')).toBe(true);
  });

  it('propagates a null from a non-null field to the nearest nullable parent', async () => {
    // book(id:) is nullable: the subgraph's own null propagation stops there.
    const result = await same(`{ book(id: "b1") { title strictField } }`);
    expect(result.data).toEqual({ book: null });
    expect(result.errors?.[0]?.path).toEqual(['book', 'strictField']);
  });

  it('propagates nulls across an entity fetch', async () => {
    // Every parent up to data is non-null ([Movie!]!, Author!, [Book!]!), so data is null.
    const result = await same(`{ movies { director { books { strictField } } } }`);
    expect(result.data).toBeNull();
    expect(result.errors?.map((e) => e.path)).toEqual([
      ['movies', 0, 'director', 'books', 0, 'strictField'],
      ['movies', 1, 'director', 'books', 0, 'strictField'],
    ]);
  });

  it('rejects bad requests with coded errors', async () => {
    const cases: Array<[string, Record<string, unknown> | undefined, string | undefined, string]> = [
      ['{ books { ', undefined, undefined, 'GRAPHQL_PARSE_FAILED'],
      ['{ nope }', undefined, undefined, 'GRAPHQL_VALIDATION_FAILED'],
      ['{ books { secretCode } }', undefined, undefined, 'GRAPHQL_VALIDATION_FAILED'],
      ['query ($id: ID!) { book(id: $id) { id } }', { id: { bad: true } }, undefined, 'BAD_USER_INPUT'],
      ['query ($id: ID!) { book(id: $id) { id } }', {}, undefined, 'BAD_USER_INPUT'],
      ['query A { books { id } }', undefined, 'B', 'OPERATION_RESOLUTION_FAILURE'],
      [
        'query A { books { id } } query B { books { id } }',
        undefined,
        undefined,
        'OPERATION_RESOLUTION_FAILURE',
      ],
      [
        `{ ${'books { author { books { author { '.repeat(5)} id ${'} } } } '.repeat(5)} }`,
        undefined,
        undefined,
        'MAX_DEPTH_EXCEEDED',
      ],
      [
        `{ ${Array.from({ length: 40 }, (_, i) => `a${i}: books { id }`).join(' ')} }`,
        undefined,
        undefined,
        'MAX_ALIASES_EXCEEDED',
      ],
    ];
    for (const [query, variables, operationName, code] of cases) {
      const result = await fed.run(query, variables, operationName);
      expect(result.data, query).toBeUndefined();
      expect(result.errors?.[0]?.extensions?.code, query).toBe(code);
    }
    const huge = await fed.ours.execute({ query: `{ ${'books { id } '.repeat(6000)} }` });
    expect(huge.errors?.[0]?.extensions?.code).toBe('MAX_TOKENS_EXCEEDED');
  });
});

describe('subgraph failures', () => {
  it('returns partial data when a subgraph is down', async () => {
    const fed = await startFederation(classicSubgraphs);
    try {
      await fed.subgraphs.find((s) => s.name === 'inventory')!.close();
      const result = await fed.run(`{ topProducts { name inStock } }`);
      expect(result.data).toEqual({
        topProducts: [
          { name: 'Table', inStock: null },
          { name: 'Couch', inStock: null },
          { name: 'Chair', inStock: null },
        ],
      });
      expect(result.errors?.[0]?.extensions).toMatchObject({
        code: 'SUBREQUEST_HTTP_ERROR',
        serviceName: 'inventory',
      });
      expect(result.errors?.[0]?.path).toEqual(['topProducts', 0]);
    } finally {
      await fed.close();
    }
  });

  it('returns partial data when a subgraph exceeds its own timeout', async () => {
    const defs = classicSubgraphs.map((d) => (d.name === 'reviews' ? { ...d, delayMs: 2_000 } : d));
    const fed = await startFederation(defs, { timeoutMs: 30_000, subgraphTimeoutsMs: { reviews: 150 } });
    try {
      const result = await fed.run(`{ topProducts { name reviews { body } } }`);
      expect(result.data?.topProducts).toEqual([
        { name: 'Table', reviews: null },
        { name: 'Couch', reviews: null },
        { name: 'Chair', reviews: null },
      ]);
      expect(result.errors?.[0]?.extensions).toMatchObject({
        code: 'SUBREQUEST_TIMEOUT',
        serviceName: 'reviews',
      });
    } finally {
      await fed.close();
    }
  });

  it('forwards the headers it is given and deduplicates representations', async () => {
    const fed = await startFederation(classicSubgraphs);
    try {
      const result = await fed.ours.execute(
        { query: `{ topProducts { reviews { author { name } } } }` },
        { headers: { authorization: 'Bearer t0ken' } },
      );
      expect(result.errors).toBeUndefined();
      const accounts = fed.subgraphs.find((s) => s.name === 'accounts')!;
      expect(accounts.headers[0]?.authorization).toBe('Bearer t0ken');
      // Four reviews by two authors: one request with two representations.
      expect(accounts.requests).toHaveLength(1);
      expect((accounts.requests[0]!.variables!.representations as unknown[]).length).toBe(2);
    } finally {
      await fed.close();
    }
  });
});
