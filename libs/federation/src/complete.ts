import {
  getNullableType,
  isAbstractType,
  isEnumType,
  isInterfaceType,
  isObjectType,
  isScalarType,
  isLeafType,
  isListType,
  isNonNullType,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
} from 'graphql';
import type { FieldCollector } from './collect-fields.js';
import type { ExecutionError, ResponsePath } from './executor.js';
import type { Selection } from './selection.js';

type Json = Record<string, unknown>;

/** A response path as a linked list; turned into an array only when an error needs it. */
interface PathNode {
  parent: PathNode | undefined;
  key: string | number;
}

function toArray(node: PathNode | undefined): ResponsePath {
  const out: ResponsePath = [];
  for (let n = node; n; n = n.parent) out.push(n.key);
  return out.reverse();
}

/** Marks a null that must propagate to the nearest nullable parent. */
const NULL_BUBBLE = Symbol('null-bubble');

interface CompletionState {
  schema: GraphQLSchema;
  collector: FieldCollector;
  errors: ExecutionError[];
  errorPaths: Set<string>;
}

function pathKey(path: readonly (string | number)[]): string {
  return path.join('\u0000');
}

function hasErrorAtOrBelow(state: CompletionState, path: ResponsePath): boolean {
  if (state.errorPaths.size === 0) return false;
  const key = pathKey(path);
  for (const p of state.errorPaths) if (p === key || p.startsWith(key + '\u0000')) return true;
  return false;
}

/**
 * Shapes merged subgraph data into the response: operation field order, only requested fields,
 * `__typename` filled in, and GraphQL null propagation for non-null fields.
 */
export function completeResponse(
  schema: GraphQLSchema,
  collector: FieldCollector,
  rootType: GraphQLObjectType,
  selections: readonly Selection[],
  data: Json,
  errors: ExecutionError[],
): Json | null {
  const state: CompletionState = { schema, collector, errors, errorPaths: new Set() };
  for (const e of errors) if (e.path) state.errorPaths.add(pathKey(e.path));
  const result = completeObject(state, rootType, selections, data, undefined);
  return result === NULL_BUBBLE ? null : result;
}

function completeObject(
  state: CompletionState,
  type: GraphQLObjectType,
  selections: readonly Selection[],
  data: Json,
  path: PathNode | undefined,
): Json | typeof NULL_BUBBLE {
  const out: Json = {};
  const fields = type.getFields();
  for (const f of state.collector.collect(type.name, selections)) {
    if (f.name === '__typename') {
      out[f.responseKey] = type.name;
      continue;
    }
    if (f.name === '__schema' || f.name === '__type') {
      out[f.responseKey] = data[f.responseKey] ?? null;
      continue;
    }
    const definition = fields[f.name];
    if (!definition) continue;
    const fieldType = definition.type;
    const raw = data[f.responseKey];
    // Fast paths: scalars need no path bookkeeping unless a non-null one is missing.
    if (
      isScalarType(fieldType) ||
      (raw != null && isNonNullType(fieldType) && isScalarType(fieldType.ofType))
    ) {
      out[f.responseKey] = raw ?? null;
      continue;
    }
    const fieldPath: PathNode = { parent: path, key: f.responseKey };
    const value = completeValue(state, definition.type, f.selections, raw, fieldPath, type.name, f.name);
    if (value === NULL_BUBBLE) return NULL_BUBBLE;
    out[f.responseKey] = value;
  }
  return out;
}

function completeValue(
  state: CompletionState,
  type: GraphQLOutputType,
  selections: Selection[] | undefined,
  value: unknown,
  path: PathNode,
  parentType: string,
  fieldName: string,
): unknown {
  if (isNonNullType(type)) {
    const inner = completeValue(state, type.ofType, selections, value, path, parentType, fieldName);
    if (inner === null || inner === NULL_BUBBLE) {
      if (inner === null) {
        const at = toArray(path);
        if (!hasErrorAtOrBelow(state, at)) {
          state.errors.push({
            message: `Cannot return null for non-nullable field ${parentType}.${fieldName}.`,
            path: at,
          });
          state.errorPaths.add(pathKey(at));
        }
      }
      return NULL_BUBBLE;
    }
    return inner;
  }
  if (value === null || value === undefined) return null;
  if (isListType(type)) {
    if (!Array.isArray(value)) return null;
    const out: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const item = completeValue(
        state,
        type.ofType,
        selections,
        value[i],
        { parent: path, key: i },
        parentType,
        fieldName,
      );
      if (item === NULL_BUBBLE) return null;
      out[i] = item;
    }
    return out;
  }
  if (isLeafType(type)) {
    if (isEnumType(type) && typeof value === 'string' && !type.getValue(value)) return null;
    return value;
  }
  if (typeof value !== 'object' || Array.isArray(value)) return null;
  const obj = value as Json;
  let objectType: GraphQLObjectType | undefined;
  if (isAbstractType(type)) {
    const runtime = typeof obj.__typename === 'string' ? state.schema.getType(obj.__typename) : undefined;
    if (runtime === type && isInterfaceType(type)) {
      // An @interfaceObject answer whose concrete type was not needed: shape it by the interface's fields.
      objectType = type as unknown as GraphQLObjectType;
    } else {
      if (!runtime || !isObjectType(runtime) || !state.schema.isSubType(type, runtime)) return null;
      objectType = runtime;
    }
  } else {
    objectType = getNullableType(type) as GraphQLObjectType;
  }
  const result = completeObject(state, objectType, selections ?? [], obj, path);
  return result === NULL_BUBBLE ? null : result;
}
