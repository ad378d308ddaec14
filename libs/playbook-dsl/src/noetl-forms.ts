import type { Problem } from '@switchyard/engine-client';
import { formatPath } from './format-path.js';

/**
 * Rewrites the forms NoETL 2.5.12 accepts into this DSL's canonical ones, before the strict schema
 * check. Keys NoETL accepts but never reads are dropped with a warning; forms that mean something are
 * translated (each rule names the NoETL source it follows). Problems are forms NoETL accepts that
 * cannot be honoured here; the playbook is then refused.
 */
export interface NormalizedPlaybook {
  value: unknown;
  warnings: Problem[];
  problems: Problem[];
}

type Dict = Record<string, unknown>;
type Path = ReadonlyArray<PropertyKey>;

function isDict(value: unknown): value is Dict {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const PLAYBOOK_KEYS = ['apiVersion', 'kind', 'metadata', 'workload', 'workbook', 'workflow'];
const METADATA_KEYS = ['name', 'path', 'description', 'version', 'labels', 'input', 'output'];
const STEP_KEYS = ['step', 'desc', 'args', 'vars', 'tool', 'loop', 'case', 'next', 'retry', 'timeout'];
const LOOP_KEYS = ['in', 'iterator', 'mode'];
const TASK_KEYS = ['name', 'desc', 'tool'];
const ACTION_KEYS = ['next', 'set', 'result', 'fail', 'retry', 'collect', 'sink', 'call'];
const TOOL_KEYS: Record<string, string[]> = {
  http: ['kind', 'auth', 'method', 'url', 'headers', 'params', 'body', 'args'],
  postgres: ['kind', 'auth', 'command', 'query', 'params', 'args'],
  playbook: ['kind', 'path', 'version', 'args', 'return_step'],
  workbook: ['kind', 'name', 'args'],
  noop: ['kind', 'result'],
  python: ['kind', 'code', 'args', 'libs', 'env'],
};
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/;

class Normalizer {
  readonly warnings: Problem[] = [];
  readonly problems: Problem[] = [];

  warn(path: Path, message: string): void {
    this.warnings.push({ path: formatPath(path), message });
  }

  fail(path: Path, message: string): void {
    this.problems.push({ path: formatPath(path), message });
  }

  /** Drops keys outside `known` (pydantic's default `extra="ignore"` in NoETL's models). */
  dropUnknown(value: Dict, known: readonly string[], path: Path, what: string): Dict {
    const out: Dict = {};
    for (const [key, v] of Object.entries(value)) {
      if (known.includes(key)) out[key] = v;
      else this.warn([...path, key], `${what} key "${key}" is ignored (NoETL accepts and ignores it)`);
    }
    return out;
  }

  playbook(doc: unknown): unknown {
    if (!isDict(doc)) return doc;
    const out = this.dropUnknown(doc, PLAYBOOK_KEYS, [], 'playbook');
    if (isDict(out.metadata)) out.metadata = this.metadata(out.metadata);
    if (Array.isArray(out.workbook))
      out.workbook = out.workbook.map((task, i) => this.task(task, ['workbook', i]));
    if (Array.isArray(out.workflow)) out.workflow = this.workflow(out.workflow);
    return out;
  }

  metadata(metadata: Dict): Dict {
    const out = this.dropUnknown(metadata, METADATA_KEYS, ['metadata'], 'metadata');
    // NoETL's catalog falls back to the name when a playbook declares no path.
    if (typeof out.path === 'string' && out.path.startsWith('/')) {
      out.path = out.path.replace(/^\/+/, '');
      this.warn(
        ['metadata', 'path'],
        `the leading "/" of metadata.path is dropped: registered at "${out.path}"`,
      );
    }
    if (out.path === undefined && typeof out.name === 'string') {
      out.path = out.name;
      this.warn(
        ['metadata', 'path'],
        `no metadata.path: the playbook is registered at "${out.name}" (its name)`,
      );
    }
    if (isDict(out.labels))
      out.labels = Object.fromEntries(
        Object.entries(out.labels).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
      );
    return out;
  }

  /**
   * Duplicate step names: NoETL's `ExecutionState.get_step` returns the first step of a name, so a later
   * one is never run; it is dropped with a warning.
   */
  workflow(steps: unknown[]): unknown[] {
    const seen = new Map<string, number>();
    const out: unknown[] = [];
    steps.forEach((step, i) => {
      if (isDict(step) && typeof step.step === 'string') {
        const first = seen.get(step.step);
        if (first !== undefined) {
          this.warn(
            ['workflow', i, 'step'],
            `duplicate step name "${step.step}": only the first (workflow[${first}]) runs, as in NoETL; this one is ignored`,
          );
          return;
        }
        seen.set(step.step, i);
      }
      out.push(this.step(step, ['workflow', i]));
    });
    return out;
  }

  task(task: unknown, path: Path): unknown {
    if (!isDict(task)) return task;
    const out = this.dropUnknown(task, TASK_KEYS, path, 'workbook task');
    if (isDict(out.tool)) out.tool = this.tool(out.tool, [...path, 'tool']);
    return out;
  }

  step(step: unknown, path: Path): unknown {
    if (!isDict(step)) return step;
    const out = this.dropUnknown(step, STEP_KEYS, path, 'step');
    // A single {step, args} mapping is a list of one (NoETL's engine wraps it the same way).
    if (isDict(out.next)) out.next = [out.next];
    if (isDict(out.tool)) out.tool = this.tool(out.tool, [...path, 'tool']);
    if (isDict(out.loop)) out.loop = this.dropUnknown(out.loop, LOOP_KEYS, [...path, 'loop'], 'loop');
    if (Array.isArray(out.case))
      out.case = out.case.map((entry, j) => this.caseEntry(entry, [...path, 'case', j]));
    return out;
  }

  caseEntry(entry: unknown, path: Path): unknown {
    if (!isDict(entry)) return entry;
    const out = this.dropUnknown(entry, ['when', 'then'], path, 'case');
    const then = out.then;
    if (isDict(then) || Array.isArray(then)) {
      const actions = Array.isArray(then) ? then : [then];
      out.then = actions.map((action, k) =>
        this.action(action, Array.isArray(then) ? [...path, 'then', k] : [...path, 'then']),
      );
    }
    return out;
  }

  action(action: unknown, path: Path): unknown {
    if (!isDict(action)) return action;
    const out = this.dropUnknown(action, ACTION_KEYS, path, 'case.then');
    if (isDict(out.next)) out.next = [out.next];
    if (isDict(out.call) && typeof out.call.step !== 'string') {
      // NoETL's engine skips a call without a step ("Call action missing 'step' attribute").
      this.warn([...path, 'call'], 'a call without a step is ignored (as NoETL does)');
      delete out.call;
    }
    // `set` as a list of {name, value} pairs (NoETL fixtures) means the same as a mapping.
    if (Array.isArray(out.set)) {
      const set: Dict = {};
      out.set.forEach((pair, k) => {
        if (isDict(pair) && typeof pair.name === 'string' && 'value' in pair) set[pair.name] = pair.value;
        else this.fail([...path, 'set', k], 'a set list entry is {name, value}');
      });
      out.set = set;
    }
    if (isDict(out.sink)) {
      const sink = this.dropUnknown(out.sink, ['tool'], [...path, 'sink'], 'sink');
      if (isDict(sink.tool)) sink.tool = this.tool(sink.tool, [...path, 'sink', 'tool'], true);
      out.sink = sink;
    }
    if (isDict(out.collect)) {
      // NoETL's engine reads `strategy`, `path` and `into`; `from`, `mode`, … are not read.
      out.collect = this.dropUnknown(
        out.collect,
        ['strategy', 'path', 'into'],
        [...path, 'collect'],
        'collect',
      );
    }
    if (isDict(out.retry)) {
      const known = Object.keys(out.retry).filter((k) =>
        [
          'max_attempts',
          'delay',
          'backoff',
          'args',
          'params',
          'url',
          'method',
          'headers',
          'body',
          'data',
        ].includes(k),
      );
      out.retry = this.dropUnknown(out.retry, known, [...path, 'retry'], 'retry');
    }
    return out;
  }

  tool(tool: Dict, path: Path, inSink = false): Dict {
    const kind = tool.kind;
    if (typeof kind !== 'string' || !(kind in TOOL_KEYS)) return tool;
    const out: Dict = { ...tool };
    this.auth(out, kind, path);
    switch (kind) {
      case 'http':
        this.http(out, path);
        break;
      case 'python':
        for (const key of ['code_b64', 'code_base64']) {
          if (typeof out[key] === 'string' && out.code === undefined)
            out.code = Buffer.from(out[key], 'base64').toString('utf8');
          delete out[key];
        }
        if (out.script !== undefined) {
          this.fail(
            [...path, 'script'],
            'python scripts loaded from storage are not supported; inline the code',
          );
          delete out.script;
        }
        if (isDict(out.libs) && Object.keys(out.libs).length === 0) delete out.libs;
        break;
      case 'postgres':
        for (const key of ['statement', 'sql']) {
          if (typeof out[key] === 'string' && out.command === undefined && out.query === undefined)
            out.command = out[key];
          delete out[key];
        }
        if (out.script !== undefined) {
          this.fail(
            [...path, 'script'],
            'SQL scripts loaded from storage are not supported; inline the command',
          );
          delete out.script;
        }
        if (inSink && out.command === undefined && out.query === undefined && typeof out.table === 'string')
          this.tableSink(out, path);
        break;
      case 'playbook':
        // `payload` carries the child's input like `args`; `args` wins on a clash.
        if (isDict(out.payload)) out.args = { ...out.payload, ...(isDict(out.args) ? out.args : {}) };
        delete out.payload;
        if (out.version === 'latest') delete out.version;
        else if (typeof out.version === 'string' && /^\d+$/.test(out.version))
          out.version = Number(out.version);
        break;
      case 'workbook':
        // NoETL's workbook executor looks up `task` first, then `name`; `with` is its older name for args.
        if (typeof out.task === 'string') out.name = out.task;
        delete out.task;
        if (isDict(out.with)) out.args = { ...out.with, ...(isDict(out.args) ? out.args : {}) };
        delete out.with;
        break;
    }
    if (isDict(out.args) && Object.keys(out.args).length === 0) delete out.args;
    return this.dropUnknown(out, TOOL_KEYS[kind]!, path, `${kind} tool`);
  }

  /** `auth: {}` means no credential; a postgres or http auth mapping names its credential. */
  auth(tool: Dict, kind: string, path: Path): void {
    const auth = tool.auth;
    if (auth === undefined) return;
    if (isDict(auth) && Object.keys(auth).length === 0) {
      delete tool.auth;
      return;
    }
    if (kind === 'postgres' || kind === 'http') {
      if (typeof auth === 'string') return;
      const name = isDict(auth) ? (auth.credential ?? auth.key ?? auth.name) : undefined;
      if (typeof name === 'string' && name) tool.auth = name;
      else {
        delete tool.auth;
        this.fail([...path, 'auth'], `a ${kind} auth mapping names its credential (credential: <name>)`);
      }
      return;
    }
    delete tool.auth;
    this.warn(
      [...path, 'auth'],
      `auth on a ${kind} tool is ignored: only postgres and http steps receive a credential (see docs/security.md)`,
    );
  }

  /** NoETL's http tool (`noetl/tools/http/executor.py`, `request.py`): `endpoint`, `data`, `payload`, `json`. */
  http(tool: Dict, path: Path): void {
    if (typeof tool.endpoint === 'string' && tool.url === undefined) tool.url = tool.endpoint;
    delete tool.endpoint;
    const method = typeof tool.method === 'string' ? tool.method.toUpperCase() : 'GET';
    if (tool.data !== undefined) {
      const data = tool.data;
      delete tool.data;
      if (!isDict(data)) {
        this.fail([...path, 'data'], 'http data is a mapping (optionally with query and body)');
      } else if (method === 'GET' || method === 'DELETE') {
        // GET/DELETE: data.query, else the whole data, becomes the query string.
        const query = 'query' in data || 'body' in data ? data.query : data;
        if (isDict(query)) tool.params = { ...(isDict(tool.params) ? tool.params : {}), ...query };
      } else {
        const body = 'body' in data ? data.body : 'query' in data ? undefined : data;
        if (isDict(data.query)) tool.params = { ...(isDict(tool.params) ? tool.params : {}), ...data.query };
        if (body !== undefined && tool.body === undefined) tool.body = body;
      }
    }
    for (const key of ['payload', 'json']) {
      if (tool[key] !== undefined && tool.body === undefined && method !== 'GET' && method !== 'DELETE')
        tool.body = tool[key];
      delete tool[key];
    }
  }

  /**
   * A sink's postgres `table` + `args` (+ `mode: upsert`, `key`): an INSERT whose values are bound
   * parameters rendered from `args`, never spliced into the SQL.
   */
  tableSink(tool: Dict, path: Path): void {
    const table = String(tool.table);
    const args = isDict(tool.args) ? tool.args : isDict(tool.data) ? tool.data : {};
    const columns = Object.keys(args);
    if (!IDENTIFIER.test(table) || columns.length === 0 || !columns.every((c) => IDENTIFIER.test(c))) {
      this.fail([...path, 'table'], 'a table sink needs a table name and args naming its columns');
      return;
    }
    const quoted = (name: string) =>
      name
        .split('.')
        .map((part) => `"${part}"`)
        .join('.');
    let sql = `INSERT INTO ${quoted(table)} (${columns.map(quoted).join(', ')}) VALUES (${columns
      .map((_, i) => `$${i + 1}`)
      .join(', ')})`;
    const keys = (Array.isArray(tool.key) ? tool.key : [tool.key]).filter(
      (k): k is string => typeof k === 'string',
    );
    if (tool.mode === 'upsert' && keys.length > 0 && keys.every((k) => IDENTIFIER.test(k))) {
      const rest = columns.filter((c) => !keys.includes(c));
      sql += ` ON CONFLICT (${keys.map(quoted).join(', ')}) DO ${
        rest.length
          ? `UPDATE SET ${rest.map((c) => `${quoted(c)} = EXCLUDED.${quoted(c)}`).join(', ')}`
          : 'NOTHING'
      }`;
    }
    tool.command = sql;
    tool.params = columns.map((c) => args[c]);
    delete tool.args;
    delete tool.data;
    delete tool.table;
    delete tool.mode;
    delete tool.key;
  }
}

export function normalizeNoetlPlaybook(doc: unknown): NormalizedPlaybook {
  const normalizer = new Normalizer();
  const value = normalizer.playbook(doc);
  return { value, warnings: normalizer.warnings, problems: normalizer.problems };
}
