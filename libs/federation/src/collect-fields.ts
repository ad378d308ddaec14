import type { GraphQLSchema } from 'graphql';
import { isAbstractType } from 'graphql';
import type { FieldSelection, Selection } from './selection.js';

/** Whether an object type named `runtimeType` satisfies a type condition. */
export function typeConditionApplies(
  schema: GraphQLSchema,
  condition: string | undefined,
  runtimeType: string,
): boolean {
  if (condition === undefined || condition === runtimeType) return true;
  const cond = schema.getType(condition);
  if (!cond || !isAbstractType(cond)) return false;
  const object = schema.getType(runtimeType);
  if (!object || !('getInterfaces' in object)) return cond.name === runtimeType;
  return schema.isSubType(cond, object as never);
}

/**
 * The fields a selection list asks of an object of type `runtimeType`, fragments flattened and fields
 * with the same response key merged (their sub-selections concatenated), in first-seen order.
 */
export function collectFields(
  schema: GraphQLSchema,
  runtimeType: string,
  selections: readonly Selection[],
): FieldSelection[] {
  const byKey = new Map<string, FieldSelection>();
  const visit = (list: readonly Selection[]) => {
    for (const sel of list) {
      if (sel.kind === 'fragment') {
        if (typeConditionApplies(schema, sel.typeCondition, runtimeType)) visit(sel.selections);
        continue;
      }
      const existing = byKey.get(sel.responseKey);
      if (!existing) {
        byKey.set(sel.responseKey, { ...sel, selections: sel.selections ? [...sel.selections] : undefined });
      } else if (sel.selections) {
        existing.selections = [...(existing.selections ?? []), ...sel.selections];
      }
    }
  };
  visit(selections);
  return [...byKey.values()];
}

/** Memoized `collectFields` keyed by the selection list's identity (plans are immutable once built). */
export class FieldCollector {
  private readonly cache = new WeakMap<readonly Selection[], Map<string, FieldSelection[]>>();
  constructor(private readonly schema: GraphQLSchema) {}

  collect(runtimeType: string, selections: readonly Selection[]): FieldSelection[] {
    let byType = this.cache.get(selections);
    if (!byType) {
      byType = new Map();
      this.cache.set(selections, byType);
    }
    let fields = byType.get(runtimeType);
    if (!fields) {
      fields = collectFields(this.schema, runtimeType, selections);
      byType.set(runtimeType, fields);
    }
    return fields;
  }
}
