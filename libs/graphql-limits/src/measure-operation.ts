import {
  getNamedType,
  getNullableType,
  isCompositeType,
  isListType,
  isObjectType,
  isInterfaceType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import type { OperationLimits } from './operation-limits.js';

/** A list argument above the allowed size. */
export interface OversizedList {
  field: string;
  argument: string;
  size: number;
}

/** What one operation asks for. */
export interface OperationMeasure {
  /** Aliased fields, fragments expanded. */
  aliases: number;
  /** Root fields (without `__typename`), fragments expanded: the number of operations this request runs. */
  rootFields: number;
  /** Root fields of a mutation (0 for queries and subscriptions). */
  rootMutationFields: number;
  /**
   * Estimated work: each field counts 1, and a list field multiplies what is selected under it by its size
   * (its `first`/`last`/`limit` argument, or the default list size). A sized field that is not itself a list
   * (a connection) multiplies its subtree once; the list right under it (`nodes`, `edges`) is not counted again.
   */
  cost: number;
  oversizedLists: OversizedList[];
}

interface Part {
  aliases: number;
  fields: number;
  cost: number;
}

type Variables = Record<string, unknown> | null | undefined;

function sizeFromValue(
  value: ValueNode,
  operation: OperationDefinitionNode,
  variables: Variables,
  max: number,
): number | undefined {
  if (value.kind === Kind.INT) return Number(value.value);
  if (value.kind !== Kind.VARIABLE) return undefined;
  const name = value.name.value;
  const given = variables?.[name];
  if (typeof given === 'number') return given;
  if (variables && name in variables) return undefined;
  const declared = operation.variableDefinitions?.find((d) => d.variable.name.value === name);
  if (declared?.defaultValue?.kind === Kind.INT) return Number(declared.defaultValue.value);
  // Not known until run time: count it as the largest size allowed.
  return max;
}

/**
 * Measures an operation against a schema: aliases, root (mutation) fields, cost and list arguments above
 * `limits.maxListSize`. Variables are used when given; a size argument bound to an unknown variable counts as
 * `maxListSize`. Fragments are measured once per place they are used in (memoised, so fragment fan-out is cheap
 * to measure but fully counted). Introspection fields (`__schema`, `__type`, `__typename`) cost nothing.
 */
export function measureOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  limits: OperationLimits,
  variables?: Variables,
): OperationMeasure {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions)
    if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const oversized: OversizedList[] = [];
  const sizeArguments = new Set(limits.listSizeArguments);
  const memo = new Map<string, Part>();
  const visiting = new Set<string>();

  const fieldDef = (
    parent: GraphQLCompositeType,
    node: FieldNode,
  ): GraphQLField<unknown, unknown> | undefined =>
    isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[node.name.value] : undefined;

  const measureSet = (set: SelectionSetNode, parent: GraphQLCompositeType, underSized: boolean): Part => {
    const part: Part = { aliases: 0, fields: 0, cost: 0 };
    const add = (other: Part) => {
      part.aliases += other.aliases;
      part.fields += other.fields;
      part.cost += other.cost;
    };
    for (const selection of set.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const typeName = selection.typeCondition?.name.value;
        const type = typeName ? schema.getType(typeName) : parent;
        add(measureSet(selection.selectionSet, isCompositeType(type) ? type : parent, underSized));
        continue;
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (!fragment || visiting.has(name)) continue; // unknown or cyclic: validation reports it
        const key = `${name}\u0000${underSized}`;
        let measured = memo.get(key);
        if (!measured) {
          const type = schema.getType(fragment.typeCondition.name.value);
          visiting.add(name);
          measured = measureSet(fragment.selectionSet, isCompositeType(type) ? type : parent, underSized);
          visiting.delete(name);
          memo.set(key, measured);
        }
        add(measured);
        continue;
      }
      if (selection.name.value.startsWith('__')) {
        if (selection.alias) part.aliases++;
        continue;
      }
      part.fields++;
      if (selection.alias) part.aliases++;
      const def = fieldDef(parent, selection);
      if (!def) continue; // unknown field: validation reports it
      let size: number | undefined;
      for (const arg of selection.arguments ?? []) {
        if (!sizeArguments.has(arg.name.value)) continue;
        const value = sizeFromValue(arg.value, operation, variables, limits.maxListSize);
        if (value === undefined) continue;
        if (value > limits.maxListSize)
          oversized.push({ field: def.name, argument: arg.name.value, size: value });
        size = Math.max(size ?? 0, value);
      }
      const isList = isListType(getNullableType(def.type));
      const multiplier = size ?? (isList && !underSized ? limits.defaultListSize : 1);
      const named = getNamedType(def.type);
      if (selection.selectionSet && isCompositeType(named)) {
        const child = measureSet(selection.selectionSet, named, size !== undefined && !isList);
        part.aliases += child.aliases;
        part.cost += 1 + Math.max(0, multiplier) * child.cost;
      } else {
        part.cost += 1;
      }
    }
    return part;
  };

  const root = schema.getRootType(operation.operation);
  const measured = root
    ? measureSet(operation.selectionSet, root, false)
    : { aliases: 0, fields: 0, cost: 0 };
  return {
    aliases: measured.aliases,
    rootFields: measured.fields,
    rootMutationFields: operation.operation === 'mutation' ? measured.fields : 0,
    cost: measured.cost,
    oversizedLists: oversized,
  };
}
