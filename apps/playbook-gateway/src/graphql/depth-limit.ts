import {
  GraphQLError,
  Kind,
  type ASTVisitor,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
} from 'graphql';

/** Depth of a selection set: a field adds one level; fragments are followed (a cycle counts as too deep). */
function depthOf(
  set: SelectionSetNode | undefined,
  fragments: Map<string, FragmentDefinitionNode>,
  seen: Set<string>,
  limit: number,
  level: number,
): number {
  if (!set || level > limit) return level;
  let max = level;
  for (const selection of set.selections) {
    let depth = level;
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value.startsWith('__')) continue; // introspection meta fields
      depth = selection.selectionSet
        ? depthOf(selection.selectionSet, fragments, seen, limit, level + 1)
        : level;
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      depth = depthOf(selection.selectionSet, fragments, seen, limit, level);
    } else {
      const name = selection.name.value;
      const fragment = fragments.get(name);
      if (!fragment) continue;
      if (seen.has(name)) return limit + 1;
      seen.add(name);
      depth = depthOf(fragment.selectionSet, fragments, seen, limit, level);
      seen.delete(name);
    }
    if (depth > max) max = depth;
    if (max > limit) return max;
  }
  return max;
}

/** A validation rule that rejects operations nested deeper than `maxDepth` fields. */
export function depthLimitRule(maxDepth: number) {
  return (context: ValidationContext): ASTVisitor => {
    const document = context.getDocument();
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const def of document.definitions)
      if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    return {
      OperationDefinition(node) {
        const depth = depthOf(node.selectionSet, fragments, new Set(), maxDepth, 1);
        if (depth > maxDepth) {
          context.reportError(
            new GraphQLError(
              `Operation ${node.name ? `"${node.name.value}" ` : ''}is nested deeper than ${maxDepth} levels (GRAPHQL_MAX_DEPTH)`,
              { nodes: [node], extensions: { code: 'QUERY_TOO_DEEP' } },
            ),
          );
        }
      },
    };
  };
}
