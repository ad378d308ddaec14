import { Kind, parse, type SelectionSetNode } from 'graphql';
import type { Selection } from './selection.js';

/** A `join__FieldSet` (key, requires, provides) as a selection list. */
export type FieldSet = Selection[];

function convert(set: SelectionSetNode): Selection[] {
  const out: Selection[] = [];
  for (const node of set.selections) {
    if (node.kind === Kind.FIELD) {
      out.push({
        kind: 'field',
        name: node.name.value,
        responseKey: node.alias?.value ?? node.name.value,
        args: node.arguments ?? [],
        selections: node.selectionSet ? convert(node.selectionSet) : undefined,
      });
    } else if (node.kind === Kind.INLINE_FRAGMENT) {
      out.push({
        kind: 'fragment',
        typeCondition: node.typeCondition?.name.value,
        selections: convert(node.selectionSet),
      });
    } else {
      throw new Error('fragment spreads are not allowed in a field set');
    }
  }
  return out;
}

/** Parses a field set such as `id organization { id }`. */
export function parseFieldSet(source: string): FieldSet {
  const doc = parse(`{${source}}`, { noLocation: true });
  const [op] = doc.definitions;
  if (!op || op.kind !== Kind.OPERATION_DEFINITION || doc.definitions.length !== 1)
    throw new Error('not a selection');
  return convert(op.selectionSet);
}
