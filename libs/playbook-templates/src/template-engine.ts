import { createHash } from 'node:crypto';
import { contextSlice } from './context-slice.js';
import { resolveOptions, type ResolvedOptions, type TemplateEngineOptions } from './engine-options.js';
import { HelperPool } from './helper-pool.js';
import type { HelperReply, WireError } from './helper-process.js';
import { NamesCache } from './names-cache.js';
import { findPython } from './python-executable.js';
import { renderServerPath } from './render-server-path.js';
import { TemplateError, isTemplateErrorCode } from './template-error.js';
import { excerpt, hasTemplate, itemForString, singleExpression, type RenderItem } from './template-source.js';
import { truthy } from './truthy.js';
import { replaceTemplateStrings, templateStrings } from './value-strings.js';

export type Context = Record<string, unknown>;

/** One problem found by validate(): the index of the text in the list given, and what is wrong. */
export interface TemplateProblem {
  index: number;
  code: TemplateError['code'];
  message: string;
}

/** How validate() reads its texts: as templates (default) or as `case.when` conditions. */
export type ValidateAs = 'template' | 'condition';

/** Short sources are their own key; long ones are keyed by a digest so the cache stays small. */
function cacheKey(item: RenderItem): string {
  if (item.s.length <= 256) return `${item.k}:${item.s}`;
  return `${item.k}#${createHash('sha256').update(item.s).digest('base64')}`;
}

/**
 * Jinja2 templates over an execution context, rendered by Jinja2's SandboxedEnvironment in a pool of Python
 * helper processes. Every call is asynchronous and never blocks the event loop; each call's strings go to
 * Python together, in one request once the variables they read are known.
 */
export class TemplateEngine {
  private readonly names: NamesCache;

  private constructor(
    private readonly pool: HelperPool,
    private readonly options: ResolvedOptions,
    /** The jinja2 version the helpers run. */
    readonly jinja2Version: string,
  ) {
    this.names = new NamesCache(options.namesCacheSize);
  }

  static async start(options: TemplateEngineOptions = {}): Promise<TemplateEngine> {
    const resolved = resolveOptions(options);
    const python = await findPython(resolved.pythonBin);
    const runsAsRoot = typeof process.getuid === 'function' && process.getuid() === 0;
    const pool = await HelperPool.start(
      {
        executable: python.executable,
        script: renderServerPath(),
        settings: {
          maxOutputBytes: resolved.maxOutputBytes,
          memoryBytes: resolved.memoryLimitBytes,
          uid: runsAsRoot ? resolved.uid : null,
          gid: runsAsRoot ? resolved.gid : null,
        },
        startTimeoutMs: resolved.startTimeoutMs,
      },
      resolved.poolSize,
    );
    return new TemplateEngine(pool, resolved, python.jinja2Version);
  }

  /** Renders every string inside `value` (objects and arrays copied); a lone `{{ expr }}` keeps its type. */
  async renderValue(value: unknown, context: Context): Promise<unknown> {
    const texts = templateStrings(value);
    if (texts.length === 0) return replaceTemplateStrings(value, []);
    const rendered = await this.renderItems(texts.map(itemForString), context);
    return replaceTemplateStrings(value, rendered);
  }

  /** Renders one string; a string that is exactly one `{{ expr }}` gives the expression's value. */
  renderString(text: string, context: Context): Promise<unknown> {
    return this.renderValue(text, context);
  }

  /** Evaluates a Jinja expression (without braces) to its value; undefined becomes null. */
  async evaluateExpression(expression: string, context: Context): Promise<unknown> {
    const [value] = await this.renderItems([{ k: 'e', s: expression }], context);
    return value;
  }

  /** A `case.when`: a boolean, a `{{ expression }}`, a text with templates, or a bare expression. */
  async evaluateCondition(when: string | boolean, context: Context): Promise<boolean> {
    if (typeof when === 'boolean') return when;
    const [value] = await this.renderItems([conditionItem(when)], context);
    return truthy(value);
  }

  /** Syntax problems of the texts (for registration); texts without templates are fine. */
  async validate(texts: readonly string[], as: ValidateAs = 'template'): Promise<TemplateProblem[]> {
    const positions: number[] = [];
    const items: RenderItem[] = [];
    texts.forEach((text, index) => {
      if (as === 'condition') items.push(conditionItem(text));
      else if (hasTemplate(text)) items.push(itemForString(text));
      else return;
      positions.push(index);
    });
    if (items.length === 0) return [];
    const reply = await this.compile(items);
    return (reply.errors ?? []).map((error) => ({
      index: positions[error.index] ?? error.index,
      code: isTemplateErrorCode(error.code) ? error.code : 'TEMPLATE_ERROR',
      message: describe(items[error.index], error),
    }));
  }

  /** Process ids of the helpers (for operations and tests). */
  helperPids(): number[] {
    return this.pool.pids();
  }

  /** Helpers started to replace one that died or was killed. */
  get respawnCount(): number {
    return this.pool.respawnCount;
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  private async renderItems(items: RenderItem[], context: Context): Promise<unknown[]> {
    const unknown = items.filter((item) => this.names.get(cacheKey(item)) === undefined);
    if (unknown.length > 0) await this.compile(unknown);
    const wanted = new Set<string>();
    for (const item of items) for (const name of this.names.get(cacheKey(item)) ?? []) wanted.add(name);
    const ctx = contextSlice(context, wanted, this.options.maxContextBytes);
    const body = `{"op":"render","t":${this.options.timeoutMs},"items":${JSON.stringify(items)},"ctx":${ctx}}`;
    const reply = await this.pool.request(body, this.options.timeoutMs);
    if (reply.error) throw toTemplateError(items[reply.error.index], reply.error);
    if (!Array.isArray(reply.values) || reply.values.length !== items.length) {
      throw new TemplateError(
        'TEMPLATE_ERROR',
        'the template helper answered with the wrong number of values',
      );
    }
    return reply.values;
  }

  /** Compiles the items in Python (cached there) and remembers the variables each one reads. */
  private async compile(items: RenderItem[]): Promise<HelperReply> {
    const body = `{"op":"compile","t":${this.options.timeoutMs},"items":${JSON.stringify(items)}}`;
    const reply = await this.pool.request(body, this.options.timeoutMs);
    if (reply.error) throw toTemplateError(items[reply.error.index], reply.error);
    items.forEach((item, index) => {
      const names = reply.names?.[index];
      // A source that does not compile reads nothing; rendering it reports its error.
      this.names.set(cacheKey(item), names ?? []);
    });
    return reply;
  }
}

function conditionItem(when: string): RenderItem {
  const inner = singleExpression(when);
  if (inner !== undefined) return { k: 'e', s: inner };
  return hasTemplate(when) ? { k: 't', s: when } : { k: 'e', s: when };
}

function describe(item: RenderItem | undefined, error: WireError): string {
  const where = error.line !== null && error.line > 1 ? ` (line ${error.line})` : '';
  if (!item) return error.message;
  const verb = item.k === 'e' ? 'evaluate' : 'render';
  return `cannot ${verb} "${excerpt(item.s)}"${where}: ${error.message}`;
}

function toTemplateError(item: RenderItem | undefined, error: WireError): TemplateError {
  return new TemplateError(
    isTemplateErrorCode(error.code) ? error.code : 'TEMPLATE_ERROR',
    describe(item, error),
  );
}
