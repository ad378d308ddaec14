import { parse, specifiedRules, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { depthLimitRule } from './depth-limit.js';
import { attachResolvers } from './schema.js';
import { buildSchema } from 'graphql';
import { typeDefs } from './type-defs.js';
import { decodeCursor, encodeCursor } from './resolvers.js';

const schema = attachResolvers(buildSchema(typeDefs), {});

function errorsAt(maxDepth: number, query: string) {
  return validate(schema, parse(query), [...specifiedRules, depthLimitRule(maxDepth)]).map(
    (e) => e.extensions.code ?? e.message,
  );
}

describe('depth limit', () => {
  const deep = '{ executions { edges { node { events { seq } } } } }'; // 5 levels

  it('accepts operations up to the limit and rejects deeper ones', () => {
    expect(errorsAt(5, deep)).toEqual([]);
    expect(errorsAt(4, deep)).toEqual(['QUERY_TOO_DEEP']);
    expect(errorsAt(1, '{ health }')).toEqual([]);
  });

  it('follows fragments and inline fragments', () => {
    const viaFragments = `
      query { executions { ...E } }
      fragment E on ExecutionConnection { edges { node { ... on Execution { events { ...Ev } } } } }
      fragment Ev on ExecutionEvent { seq }`;
    expect(errorsAt(5, viaFragments)).toEqual([]);
    expect(errorsAt(4, viaFragments)).toEqual(['QUERY_TOO_DEEP']);
  });

  it('ignores introspection meta fields', () => {
    expect(errorsAt(2, '{ __typename health }')).toEqual([]);
  });
});

describe('execution cursors', () => {
  it('round-trips offsets and rejects foreign cursors', () => {
    expect(decodeCursor(encodeCursor(40))).toBe(40);
    expect(decodeCursor(undefined)).toBe(0);
    expect(() => decodeCursor('bm9wZQ')).toThrow(/not a cursor/);
  });
});
