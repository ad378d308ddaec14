/** What kind of work a string asks for, decided without Python. */

/** `t`: render to text; `e`: evaluate one expression to its value. */
export type ItemKind = 't' | 'e';

export interface RenderItem {
  k: ItemKind;
  s: string;
}

const FULL_EXPRESSION = /^\s*\{\{([\s\S]*)\}\}\s*$/;

/** Strings without `{{` or `{%` are plain text and are returned as they are. */
export function hasTemplate(text: string): boolean {
  return text.includes('{{') || text.includes('{%');
}

/** The expression inside a string that is exactly one `{{ expression }}` (surrounding blanks allowed). */
export function singleExpression(text: string): string | undefined {
  const match = FULL_EXPRESSION.exec(text);
  if (!match) return undefined;
  const inner = match[1]!;
  return inner.includes('}}') || inner.includes('{{') ? undefined : inner;
}

/** The item that renders a template string: its expression's value when it is one `{{ }}`, else its text. */
export function itemForString(text: string): RenderItem {
  const inner = singleExpression(text);
  return inner === undefined ? { k: 't', s: text } : { k: 'e', s: inner };
}

/** A short form of a source for error messages. */
export function excerpt(source: string, max = 80): string {
  const flat = source.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 3)}...` : flat;
}
