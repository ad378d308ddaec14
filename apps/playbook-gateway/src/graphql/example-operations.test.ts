import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, parse, specifiedRules, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { workspaceRoot } from '@switchyard/testing';
import { depthLimitRule } from './depth-limit.js';
import { typeDefs } from './type-defs.js';

describe('examples/gateway.graphql', () => {
  it('holds only operations that are valid against the gateway schema and the default depth limit', () => {
    const text = readFileSync(join(workspaceRoot, 'examples/gateway.graphql'), 'utf8');
    const document = parse(text);
    expect(document.definitions.length).toBeGreaterThanOrEqual(8);
    const errors = validate(buildSchema(typeDefs), document, [...specifiedRules, depthLimitRule(10)]);
    expect(errors.map((e) => e.message)).toEqual([]);
  });
});
