import nunjucks, { type Template } from 'nunjucks';

/** Jinja-compatible templates (nunjucks) over the execution context. */

export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

const env = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: false });
let captured: unknown;
env.addFilter('__capture', ((value: unknown) => {
  captured = value;
  return '';
}) as never);
env.addFilter('tojson', ((value: unknown) => JSON.stringify(value ?? null)) as never);
env.addFilter('int', ((value: unknown) => {
  const n = Number.parseInt(String(value), 10);
  return Number.isNaN(n) ? 0 : n;
}) as never);
env.addFilter('float', ((value: unknown) => {
  const n = Number.parseFloat(String(value));
  return Number.isNaN(n) ? 0 : n;
}) as never);
env.addFilter('map', ((items: unknown, ...rest: unknown[]) => {
  const keywords = rest.find(
    (r): r is { attribute?: string } => typeof r === 'object' && r !== null && '__keywords' in r,
  );
  const list = Array.isArray(items) ? items : [];
  if (keywords?.attribute !== undefined) {
    const attribute = keywords.attribute;
    return list.map((item) =>
      item && typeof item === 'object' ? (item as Record<string, unknown>)[attribute] : undefined,
    );
  }
  return list;
}) as never);
env.addGlobal('now', () => new Date().toISOString());

/** Compiled templates by source; compiling is far more expensive than rendering. */
const compiled = new Map<string, Template>();
const MAX_COMPILED = 2_000;

function render(source: string, context: Record<string, unknown>): string {
  let template = compiled.get(source);
  if (!template) {
    template = new nunjucks.Template(source, env, null, true);
    if (compiled.size >= MAX_COMPILED) compiled.delete(compiled.keys().next().value!);
    compiled.set(source, template);
  }
  return template.render(context);
}

const FULL_EXPRESSION = /^\s*\{\{([\s\S]*)\}\}\s*$/;

function hasTemplate(text: string): boolean {
  return text.includes('{{') || text.includes('{%');
}

/** Evaluates a Jinja expression to its value (not its string form). */
export function evaluateExpression(expression: string, context: Record<string, unknown>): unknown {
  captured = undefined;
  try {
    render(`{{ (${expression}) | __capture }}`, context);
  } catch (error) {
    throw new TemplateError(
      `cannot evaluate "${expression.trim()}": ${(error as Error).message.split('\n').pop()?.trim()}`,
    );
  }
  const value = captured;
  captured = undefined;
  return value;
}

/**
 * Renders a string. A string that is a single `{{ expression }}` keeps the expression's type
 * (a list stays a list, a number a number); anything else renders to text.
 */
export function renderString(text: string, context: Record<string, unknown>): unknown {
  if (!hasTemplate(text)) return text;
  const full = FULL_EXPRESSION.exec(text);
  if (full && !full[1]!.includes('}}') && !full[1]!.includes('{{')) {
    return evaluateExpression(full[1]!, context);
  }
  try {
    return render(text, context);
  } catch (error) {
    throw new TemplateError(
      `cannot render "${text.length > 80 ? `${text.slice(0, 77)}...` : text}": ${(error as Error).message.split('\n').pop()?.trim()}`,
    );
  }
}

/** Renders every string inside a value (objects and arrays recursively). */
export function renderValue(value: unknown, context: Record<string, unknown>): unknown {
  if (typeof value === 'string') return renderString(value, context);
  if (Array.isArray(value)) return value.map((v) => renderValue(v, context));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = renderValue(v, context);
    return out;
  }
  return value;
}

/** Jinja truthiness: empty strings, lists and mappings, 0, null and undefined are false. */
export function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (value && typeof value === 'object') return Object.keys(value).length > 0;
  if (typeof value === 'string') {
    const t = value.trim().toLowerCase();
    return t !== '' && t !== 'false' && t !== 'none' && t !== '0';
  }
  return Boolean(value);
}

/** Evaluates a `case.when`: a boolean, a `{{ expression }}` or a bare expression. */
export function evaluateCondition(when: string | boolean, context: Record<string, unknown>): boolean {
  if (typeof when === 'boolean') return when;
  const full = FULL_EXPRESSION.exec(when);
  const value =
    full && !full[1]!.includes('{{')
      ? evaluateExpression(full[1]!, context)
      : hasTemplate(when)
        ? renderString(when, context)
        : evaluateExpression(when, context);
  return truthy(value);
}
