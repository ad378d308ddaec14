import { afterAll, beforeAll, expect, it } from 'vitest';
import { auditGraphQLHttp } from './graphql-http-audit.js';

/** A GraphQL endpoint listening for the suite, and how to stop it. */
export interface ListeningGraphQL {
  /** The endpoint's URL, e.g. http://127.0.0.1:4000/graphql. */
  url: string;
  close(): Promise<void>;
}

/**
 * Starts the endpoint before the file's tests and stops it after them, and adds the test that it passes every
 * check of graphql-http's GraphQL-over-HTTP server audit (`expectedTotal` audits). Returns the endpoint's URL getter.
 */
export function graphqlHttpAuditSuite(
  start: () => Promise<ListeningGraphQL>,
  expectedTotal: number,
): () => string {
  let server: ListeningGraphQL | undefined;
  beforeAll(async () => {
    server = await start();
  });
  afterAll(() => server?.close());

  it("passes every check of graphql-http's GraphQL-over-HTTP server audit", async () => {
    const report = await auditGraphQLHttp(server!.url);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(report.total);
    expect(report.total).toBe(expectedTotal);
  });

  return () => {
    if (!server) throw new Error('the GraphQL endpoint is not started yet');
    return server.url;
  };
}
