import { isMap, isScalar, isSeq, type Document, type Node } from 'yaml';
import type { Problem } from '@switchyard/engine-client';
import { formatPath } from './format-path.js';

/**
 * Keys written twice in one YAML mapping. PyYAML (which NoETL parses with) keeps the last value;
 * parsing with `uniqueKeys: false` does the same here, and each repeated key becomes a warning.
 */
export function duplicateKeyWarnings(doc: Document): Problem[] {
  const warnings: Problem[] = [];
  const visit = (node: unknown, path: PropertyKey[], depth: number): void => {
    if (depth > 200 || !node) return;
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
        if (key !== undefined) {
          if (seen.has(key))
            warnings.push({
              path: formatPath([...path, key]),
              message: `duplicate key "${key}": the last value is used (as PyYAML does)`,
            });
          seen.add(key);
        }
        visit(pair.value, key === undefined ? path : [...path, key], depth + 1);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => visit(item as Node, [...path, i], depth + 1));
    }
  };
  visit(doc.contents, [], 0);
  return warnings;
}
