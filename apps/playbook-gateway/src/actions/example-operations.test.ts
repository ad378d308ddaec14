import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, parse, specifiedRules, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { workspaceRoot } from '@switchyard/testing';
import { depthLimitRule } from '../graphql/depth-limit.js';
import { typeDefs } from '../graphql/type-defs.js';
import { actionTypeDefs } from './type-defs.js';

describe('examples/actions.graphql', () => {
  it('holds only operations that are valid against the gateway schema and the default depth limit', () => {
    const document = parse(readFileSync(join(workspaceRoot, 'examples/actions.graphql'), 'utf8'));
    const names = document.definitions.map((d) => ('name' in d ? d.name?.value : undefined));
    expect(names).toEqual(
      expect.arrayContaining([
        'CreateAction',
        'WatchAction',
        'RunAction',
        'ContinueWithNone',
        'CancelAction',
      ]),
    );
    const errors = validate(buildSchema(typeDefs + actionTypeDefs), document, [
      ...specifiedRules,
      depthLimitRule(10),
    ]);
    expect(errors.map((e) => e.message)).toEqual([]);
  });
});
