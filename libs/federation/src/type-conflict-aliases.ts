import { isInterfaceType, isObjectType } from 'graphql';
import type { FieldSelection, Selection } from './selection.js';
import type { Supergraph } from './supergraph.js';

/**
 * Where a subgraph's response keys differ from the operation's: alias -> response key at this level, and
 * nested levels by the key the subgraph answers under.
 */
export interface AliasRestore {
  renames: Map<string, string>;
  children: Map<string, AliasRestore>;
}

/** The type a subgraph declares for a field (its `@join__field(type:)`, else the supergraph's). */
function fieldTypeIn(
  supergraph: Supergraph,
  parent: string,
  field: string,
  graph: string,
): string | undefined {
  const declared = supergraph.types.get(parent)?.fields.get(field)?.sources.get(graph)?.type;
  if (declared) return declared;
  const type = supergraph.schema.getType(parent);
  if (!isObjectType(type) && !isInterfaceType(type)) return undefined;
  return type.getFields()[field]?.type.toString();
}

function namedTypeOf(printed: string): string {
  return printed.replace(/[[\]!\s]/g, '');
}

function aliasFor(responseKey: string, type: string): string {
  return `${responseKey}__sy_${type.replace(/!/g, '_nn').replace(/\[/g, 'L').replace(/]/g, '')}`;
}

function mergeRestore(into: AliasRestore, from: AliasRestore): void {
  for (const [alias, key] of from.renames) into.renames.set(alias, key);
  for (const [key, child] of from.children) {
    const existing = into.children.get(key);
    if (existing) mergeRestore(existing, child);
    else into.children.set(key, child);
  }
}

function isEmpty(node: AliasRestore): boolean {
  return node.renames.size === 0 && node.children.size === 0;
}

/**
 * Fields under one response key must have the same type in a subgraph query. When type-specific fragments
 * ask for a field whose subgraph types differ (`id: ID!` on one type, `id: ID` on another), every type but
 * the first is asked under an alias; the returned restore map puts the answers back under their keys.
 */
export function aliasTypeConflicts(
  supergraph: Supergraph,
  graph: string,
  parentType: string,
  selections: readonly Selection[],
): { selections: Selection[]; restore?: AliasRestore } {
  const node: AliasRestore = { renames: new Map(), children: new Map() };
  const firstType = new Map<string, string>();
  const visit = (list: readonly Selection[], parent: string): Selection[] =>
    list.map((sel): Selection => {
      if (sel.kind === 'fragment')
        return { ...sel, selections: visit(sel.selections, sel.typeCondition ?? parent) };
      if (sel.name === '__typename') return sel;
      const type = fieldTypeIn(supergraph, parent, sel.name, graph);
      let out: FieldSelection = sel;
      if (type !== undefined) {
        const first = firstType.get(sel.responseKey);
        if (first === undefined) firstType.set(sel.responseKey, type);
        else if (first !== type) {
          const alias = aliasFor(sel.responseKey, type);
          node.renames.set(alias, sel.responseKey);
          out = { ...sel, responseKey: alias };
        }
      }
      if (sel.selections) {
        const child = aliasTypeConflicts(
          supergraph,
          graph,
          type !== undefined ? namedTypeOf(type) : parent,
          sel.selections,
        );
        out = { ...out, selections: child.selections };
        if (child.restore) {
          const existing = node.children.get(out.responseKey);
          if (existing) mergeRestore(existing, child.restore);
          else node.children.set(out.responseKey, child.restore);
        }
      }
      return out;
    });
  const result = visit(selections, parentType);
  return { selections: result, restore: isEmpty(node) ? undefined : node };
}

/** Moves aliased answers back under the operation's response keys (in place). */
export function restoreAliases(value: unknown, node: AliasRestore): void {
  if (Array.isArray(value)) {
    for (const item of value) restoreAliases(item, node);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const obj = value as Record<string, unknown>;
  for (const [key, child] of node.children) if (key in obj) restoreAliases(obj[key], child);
  for (const [alias, key] of node.renames) {
    if (!(alias in obj)) continue;
    obj[key] = obj[alias];
    delete obj[alias];
  }
}
