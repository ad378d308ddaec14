import { print, type ArgumentNode } from 'graphql';

/** A field in a normalized selection (fragment spreads expanded, @skip/@include applied). */
export interface FieldSelection {
  kind: 'field';
  name: string;
  /** Alias or name: the key in the response. */
  responseKey: string;
  args: readonly ArgumentNode[];
  selections?: Selection[];
}

/** An inline fragment; `typeCondition` undefined means the enclosing type. */
export interface FragmentSelection {
  kind: 'fragment';
  typeCondition?: string;
  selections: Selection[];
}

export type Selection = FieldSelection | FragmentSelection;

export function field(
  name: string,
  selections?: Selection[],
  responseKey = name,
  args: readonly ArgumentNode[] = [],
): FieldSelection {
  return { kind: 'field', name, responseKey, args, selections };
}

/** Identity of a field for merging: response key plus name and arguments. */
export function fieldIdentity(sel: FieldSelection): string {
  if (sel.args.length === 0)
    return sel.responseKey === sel.name ? sel.name : `${sel.responseKey}:${sel.name}`;
  return `${sel.responseKey}:${sel.name}(${sel.args.map((a) => `${a.name.value}:${print(a.value)}`).join(',')})`;
}

/** Prints a selection list as GraphQL text (without the surrounding braces). */
export function printSelections(selections: readonly Selection[]): string {
  const parts: string[] = [];
  for (const sel of selections) {
    if (sel.kind === 'fragment') {
      parts.push(`... on ${sel.typeCondition} {${printSelections(sel.selections)}}`);
      continue;
    }
    let text = sel.responseKey === sel.name ? sel.name : `${sel.responseKey}: ${sel.name}`;
    if (sel.args.length > 0)
      text += `(${sel.args.map((a) => `${a.name.value}: ${print(a.value)}`).join(', ')})`;
    if (sel.selections) text += ` {${printSelections(sel.selections)}}`;
    parts.push(text);
  }
  return ` ${parts.join(' ')} `;
}
