/** Finds the template strings inside a value and puts rendered values back in their places. */

import { hasTemplate } from './template-source.js';

/** Every string of `value` (objects and arrays walked depth-first) that holds a template, in walk order. */
export function templateStrings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') {
    if (hasTemplate(value)) out.push(value);
  } else if (Array.isArray(value)) {
    for (const item of value) templateStrings(item, out);
  } else if (value && typeof value === 'object') {
    for (const item of Object.values(value)) templateStrings(item, out);
  }
  return out;
}

/** A copy of `value` whose template strings are replaced, in the order templateStrings found them. */
export function replaceTemplateStrings(value: unknown, rendered: readonly unknown[]): unknown {
  let next = 0;
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') return hasTemplate(node) ? rendered[next++] : node;
    if (Array.isArray(node)) return node.map(walk);
    if (node && typeof node === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(node)) out[key] = walk(item);
      return out;
    }
    return node;
  };
  return walk(value);
}
