import {
  GraphQLError,
  Kind,
  getVariableValues,
  valueFromAST,
  GraphQLBoolean,
  print,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type DirectiveNode,
  type TypeNode,
} from 'graphql';
import type { Selection } from './selection.js';

export type OperationKind = 'query' | 'mutation' | 'subscription';

/** An operation ready for planning: fragments inlined, @skip/@include evaluated. */
export interface NormalizedOperation {
  kind: OperationKind;
  name?: string;
  selections: Selection[];
  /** Variable name -> printed type and default (`Int = 1`), for building subgraph operations. */
  variableTypes: Map<string, string>;
}

/** Error codes the router returns for bad requests. */
export function requestError(message: string, code: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code } });
}

/** Picks the operation to run, as GraphQL's `getOperationAST` does but with a coded error. */
export function selectOperation(
  document: DocumentNode,
  operationName?: string | null,
): OperationDefinitionNode {
  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  if (operationName) {
    const op = operations.find((o) => o.name?.value === operationName);
    if (!op)
      throw requestError(`Unknown operation named "${operationName}".`, 'OPERATION_RESOLUTION_FAILURE');
    return op;
  }
  if (operations.length === 1) return operations[0]!;
  if (operations.length === 0)
    throw requestError('Must provide an operation.', 'OPERATION_RESOLUTION_FAILURE');
  throw requestError(
    'Must provide operation name if query contains multiple operations.',
    'OPERATION_RESOLUTION_FAILURE',
  );
}

/** Coerces variables against the schema; throws one coded error listing every problem. */
export function coerceVariables(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  raw: Record<string, unknown> | null | undefined,
): Record<string, unknown> {
  const result = getVariableValues(schema, operation.variableDefinitions ?? [], raw ?? {}, { maxErrors: 10 });
  if (result.errors) {
    const [first] = result.errors;
    throw new GraphQLError(result.errors.map((e) => e.message).join('\n'), {
      nodes: first?.nodes,
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  return result.coerced;
}

/** Names of variables used by @skip/@include: their values are part of the plan cache key. */
export function conditionVariables(document: DocumentNode): string[] {
  const names = new Set<string>();
  const visit = (set: SelectionSetNode | undefined) => {
    for (const sel of set?.selections ?? []) {
      for (const d of sel.directives ?? []) {
        if (d.name.value !== 'skip' && d.name.value !== 'include') continue;
        for (const arg of d.arguments ?? [])
          if (arg.value.kind === Kind.VARIABLE) names.add(arg.value.name.value);
      }
      if (sel.kind !== Kind.FRAGMENT_SPREAD) visit(sel.selectionSet);
    }
  };
  for (const def of document.definitions) {
    if (def.kind === Kind.OPERATION_DEFINITION || def.kind === Kind.FRAGMENT_DEFINITION)
      visit(def.selectionSet);
  }
  return [...names].sort();
}

function included(
  directives: readonly DirectiveNode[] | undefined,
  variables: Record<string, unknown>,
): boolean {
  for (const d of directives ?? []) {
    if (d.name.value !== 'skip' && d.name.value !== 'include') continue;
    const arg = d.arguments?.find((a) => a.name.value === 'if');
    const value = arg ? valueFromAST(arg.value, GraphQLBoolean, variables) : undefined;
    if (d.name.value === 'skip' && value === true) return false;
    if (d.name.value === 'include' && value !== true) return false;
  }
  return true;
}

/** Inlines fragments and evaluates @skip/@include; the operation is assumed valid against the API schema. */
export function normalizeOperation(
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
): NormalizedOperation {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions)
    if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);

  const convert = (set: SelectionSetNode): Selection[] => {
    const out: Selection[] = [];
    for (const node of set.selections) {
      if (!included(node.directives, variables)) continue;
      if (node.kind === Kind.FIELD) {
        out.push({
          kind: 'field',
          name: node.name.value,
          responseKey: node.alias?.value ?? node.name.value,
          args: node.arguments ?? [],
          selections: node.selectionSet ? convert(node.selectionSet) : undefined,
        });
      } else if (node.kind === Kind.INLINE_FRAGMENT) {
        const selections = convert(node.selectionSet);
        if (node.typeCondition)
          out.push({ kind: 'fragment', typeCondition: node.typeCondition.name.value, selections });
        else out.push(...selections);
      } else {
        const fragment = fragments.get(node.name.value);
        if (!fragment)
          throw requestError(`Unknown fragment "${node.name.value}".`, 'GRAPHQL_VALIDATION_FAILED');
        out.push({
          kind: 'fragment',
          typeCondition: fragment.typeCondition.name.value,
          selections: convert(fragment.selectionSet),
        });
      }
    }
    return out;
  };

  const variableTypes = new Map<string, string>();
  for (const def of operation.variableDefinitions ?? []) {
    // A default stays part of the declaration: it lets a nullable variable fill a non-null position.
    const defaultValue = def.defaultValue ? ` = ${print(def.defaultValue)}` : '';
    variableTypes.set(def.variable.name.value, `${printType(def.type)}${defaultValue}`);
  }
  return {
    kind: operation.operation as OperationKind,
    name: operation.name?.value,
    selections: convert(operation.selectionSet),
    variableTypes,
  };
}

function printType(node: TypeNode): string {
  if (node.kind === Kind.NON_NULL_TYPE) return `${printType(node.type)}!`;
  if (node.kind === Kind.LIST_TYPE) return `[${printType(node.type)}]`;
  return node.name.value;
}
