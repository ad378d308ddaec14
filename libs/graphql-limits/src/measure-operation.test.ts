import { buildSchema, parse, specifiedRules, validate, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_OPERATION_LIMITS,
  LIMIT_CODES,
  measureOperation,
  operationLimitsRule,
  parseOperationLimits,
} from './index.js';

const schema = buildSchema(`
  type Query { executions(first: Int): ExecutionConnection! execution(id: ID!): Execution tags: [String!]! }
  type Mutation { executePlaybook(name: String!): Execution! }
  type ExecutionConnection { totalCount: Int! nodes: [Execution!]! }
  type Execution { id: ID! status: String! events: [Event!]! children(first: Int): [Execution!]! }
  type Event { seq: Int! result: String }
`);
const limits = DEFAULT_OPERATION_LIMITS;

function measure(query: string, variables?: Record<string, unknown>) {
  const document = parse(query);
  const operation = document.definitions.find(
    (d) => d.kind === 'OperationDefinition',
  ) as OperationDefinitionNode;
  return measureOperation(schema, document, operation, limits, variables);
}

function codes(query: string, custom = limits): string[] {
  return validate(schema, parse(query), [...specifiedRules, operationLimitsRule(custom)]).map(
    (e) => e.extensions.code as string,
  );
}

describe('measureOperation', () => {
  it('multiplies nested lists by their page size and the default list size', () => {
    // executions: 1 + 100 × (nodes: 1 + (id 1 + events: 1 + 10 × (seq 1 + result 1)))
    expect(measure('{ executions(first: 100) { nodes { id events { seq result } } } }').cost).toBe(
      1 + 100 * (1 + (1 + (1 + 10 * 2))),
    );
    expect(measure('{ execution(id: "1") { id status } }').cost).toBe(3);
    expect(measure('{ tags }').cost).toBe(1);
  });

  it('counts aliases and root mutation fields through fragments', () => {
    const query = `mutation { ...Runs ...Runs }
      fragment Runs on Mutation { a: executePlaybook(name: "x") { id } b: executePlaybook(name: "y") { id } }`;
    const m = measure(query);
    expect(m.aliases).toBe(4);
    expect(m.rootMutationFields).toBe(4);
    expect(measure('{ a: execution(id: "1") { id } __typename }').rootMutationFields).toBe(0);
  });

  it('uses variables when given, and the largest page otherwise', () => {
    const query = 'query($n: Int) { executions(first: $n) { nodes { id } } }';
    expect(measure(query, { n: 5 }).cost).toBe(1 + 5 * 2);
    expect(measure(query).cost).toBe(1 + limits.maxListSize * 2);
    expect(measure(query, { n: 500 }).oversizedLists).toEqual([
      { field: 'executions', argument: 'first', size: 500 },
    ]);
  });

  it('measures a fragment bomb without expanding it and counts it in full', () => {
    const levels = 30;
    const fragments = Array.from({ length: levels }, (_, i) =>
      i === levels - 1
        ? `fragment F${i} on Execution { id }`
        : `fragment F${i} on Execution { ...F${i + 1} a${i}: status ...F${i + 1} }`,
    ).join('\n');
    const m = measure(`{ execution(id: "1") { ...F0 } } ${fragments}`);
    expect(m.aliases).toBeGreaterThan(1_000_000);
    expect(m.cost).toBeGreaterThan(1_000_000);
  });

  it('costs nothing for introspection', () => {
    expect(measure('{ __schema { types { name fields { name args { name } } } } }').cost).toBe(0);
  });
});

describe('operationLimitsRule', () => {
  it('refuses alias fan-out, mutation fan-out, large pages and costly nesting with coded errors', () => {
    const aliased = `{ ${Array.from({ length: 31 }, (_, i) => `e${i}: execution(id: "${i}") { id }`).join(' ')} }`;
    expect(codes(aliased)).toEqual([LIMIT_CODES.aliases]);
    const mutations = `mutation { ${Array.from({ length: 11 }, (_, i) => `r${i}: executePlaybook(name: "x") { id }`).join(' ')} }`;
    expect(codes(mutations)).toContain(LIMIT_CODES.rootMutations);
    expect(codes('{ executions(first: 101) { totalCount } }')).toEqual([LIMIT_CODES.listSize]);
    expect(codes('{ executions(first: 100) { nodes { children(first: 100) { events { seq } } } } }')).toEqual(
      [LIMIT_CODES.cost],
    );
    expect(codes('{ executions(first: 100) { nodes { id events { seq result } } } }')).toEqual([]);
  });

  it('follows the configured limits', () => {
    const strict = { ...limits, maxCost: 10, maxAliases: 0 };
    expect(codes('{ a: execution(id: "1") { id } }', strict)).toEqual([LIMIT_CODES.aliases]);
    expect(codes('{ executions(first: 20) { nodes { id } } }', strict)).toEqual([LIMIT_CODES.cost]);
  });
});

describe('parseOperationLimits', () => {
  it('has safe defaults and reads the environment', () => {
    expect(parseOperationLimits({})).toEqual(DEFAULT_OPERATION_LIMITS);
    expect(parseOperationLimits({ GRAPHQL_MAX_COST: '50', GRAPHQL_MAX_ALIASES: '2' })).toMatchObject({
      maxCost: 50,
      maxAliases: 2,
    });
    expect(() => parseOperationLimits({ GRAPHQL_MAX_LIST_SIZE: 'lots' })).toThrow(/GRAPHQL_MAX_LIST_SIZE/);
  });
});
