import { buildSchema, specifiedRules } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createDocumentCache } from './document-cache.js';
import { depthLimitRule } from './depth-limit.js';
import { typeDefs } from './type-defs.js';

describe('createDocumentCache', () => {
  const prepare = createDocumentCache(buildSchema(typeDefs), [...specifiedRules, depthLimitRule(3)], 2);

  it('parses and validates a text once and hands out the same document', () => {
    const text = 'subscription { executionEvents(executionId: "1") { seq } }';
    const first = prepare(text);
    expect(first.errors).toBeUndefined();
    expect(prepare(text).document).toBe(first.document);
  });

  it('returns syntax, validation and depth errors', () => {
    expect(prepare('subscription {').errors?.[0]?.message).toMatch(/Syntax Error/);
    expect(prepare('{ nope }').errors?.[0]?.message).toMatch(/Cannot query field "nope"/);
    expect(prepare('{ executions { nodes { events { seq } } } }').errors?.[0]?.extensions.code).toBe(
      'QUERY_TOO_DEEP',
    );
  });
});
