import { Kind, type DocumentNode, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';
import { requestError } from './operation.js';

export interface DocumentLimits {
  /** Deepest field nesting allowed (fragments expanded). */
  maxDepth?: number;
  /** Most aliases allowed in one document (fragments expanded). */
  maxAliases?: number;
  /** Most lexical tokens allowed, enforced while parsing. */
  maxTokens?: number;
}

export const DEFAULT_LIMITS: Required<DocumentLimits> = { maxDepth: 15, maxAliases: 30, maxTokens: 15_000 };

/** Throws a coded GraphQL error when the document is deeper or has more aliases than allowed. */
export function checkLimits(document: DocumentNode, limits: DocumentLimits): void {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions)
    if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const maxDepth = limits.maxDepth ?? Infinity;
  const maxAliases = limits.maxAliases ?? Infinity;
  let aliases = 0;

  const walk = (set: SelectionSetNode, depth: number, visiting: Set<string>): number => {
    let deepest = depth;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        if (sel.alias) aliases++;
        if (aliases > maxAliases) {
          throw requestError(`The operation has more than ${maxAliases} aliases.`, 'MAX_ALIASES_EXCEEDED');
        }
        const d = depth + 1;
        if (d > maxDepth)
          throw requestError(`The operation is deeper than ${maxDepth} levels.`, 'MAX_DEPTH_EXCEEDED');
        deepest = Math.max(deepest, sel.selectionSet ? walk(sel.selectionSet, d, visiting) : d);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        deepest = Math.max(deepest, walk(sel.selectionSet, depth, visiting));
      } else {
        const fragment = fragments.get(sel.name.value);
        if (!fragment || visiting.has(fragment.name.value)) continue;
        visiting.add(fragment.name.value);
        deepest = Math.max(deepest, walk(fragment.selectionSet, depth, visiting));
        visiting.delete(fragment.name.value);
      }
    }
    return deepest;
  };
  for (const def of document.definitions) {
    if (def.kind === Kind.OPERATION_DEFINITION) walk(def.selectionSet, 0, new Set());
  }
}
