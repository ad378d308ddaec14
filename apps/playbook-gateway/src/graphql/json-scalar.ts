import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';

/** Default deepest nesting of a JSON input value (GRAPHQL_MAX_JSON_DEPTH). */
export const DEFAULT_MAX_JSON_DEPTH = 64;

function tooDeep(maxDepth: number): GraphQLError {
  return new GraphQLError(`JSON input is nested deeper than ${maxDepth} levels (GRAPHQL_MAX_JSON_DEPTH)`, {
    extensions: { code: 'BAD_USER_INPUT' },
  });
}

/** Throws when `value` nests arrays/objects deeper than `maxDepth`; iterative, so any depth is safe to check. */
export function checkJsonDepth(value: unknown, maxDepth: number): void {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (typeof item !== 'object' || item === null) continue;
    if (depth + 1 > maxDepth) throw tooDeep(maxDepth);
    for (const child of Array.isArray(item) ? item : Object.values(item)) stack.push([child, depth + 1]);
  }
}

function literal(
  node: ValueNode,
  variables: Record<string, unknown> | null | undefined,
  depth: number,
  maxDepth: number,
): unknown {
  switch (node.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
      return node.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.NULL:
      return null;
    case Kind.LIST:
      if (depth + 1 > maxDepth) throw tooDeep(maxDepth);
      return node.values.map((v) => literal(v, variables, depth + 1, maxDepth));
    case Kind.OBJECT: {
      if (depth + 1 > maxDepth) throw tooDeep(maxDepth);
      // A null-prototype object: a field named __proto__ is kept as data.
      const out = Object.create(null) as Record<string, unknown>;
      for (const f of node.fields) out[f.name.value] = literal(f.value, variables, depth + 1, maxDepth);
      return out;
    }
    case Kind.VARIABLE: {
      const value = variables?.[node.name.value];
      checkJsonDepth(value, maxDepth - depth);
      return value;
    }
    default:
      return undefined;
  }
}

/** `JSON`: any JSON value, in and out; input nested deeper than `maxDepth` is refused as BAD_USER_INPUT. */
export function createJSONScalar(maxDepth = DEFAULT_MAX_JSON_DEPTH): GraphQLScalarType {
  return new GraphQLScalarType({
    name: 'JSON',
    description: 'Any JSON value.',
    serialize: (value) => value,
    parseValue: (value) => {
      checkJsonDepth(value, maxDepth);
      return value;
    },
    parseLiteral: (node, variables) => literal(node, variables, 0, maxDepth),
  });
}
