import type { EntityInput, FetchNode, PlanNode, QueryPlan } from './plan.js';
import type { Selection } from './selection.js';
import { restoreAliases } from './type-conflict-aliases.js';
import { SubgraphHttpError, type SubgraphFetcher, type SubgraphResponse } from './subgraph-client.js';

type Json = Record<string, unknown>;
export type ResponsePath = Array<string | number>;

export interface ExecutionError {
  message: string;
  path?: ResponsePath;
  locations?: unknown;
  extensions?: Record<string, unknown>;
}

export interface ExecutionContext {
  fetchers: Map<string, SubgraphFetcher>;
  variables: Record<string, unknown>;
  headers?: Record<string, string>;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Called once per subgraph request (for metrics). */
  onFetch?: (serviceName: string, ok: boolean, ms: number) => void;
  /** Root data already known before the plan runs (a subscription event). */
  initialData?: Json;
  /** Names of interfaces and unions, so that a concrete `__typename` can replace an interface-object one. */
  abstractTypes?: ReadonlySet<string>;
  /** Per-subgraph timeout override. */
  timeoutFor?: (serviceName: string) => number | undefined;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Deep-merges a subgraph result into the response tree. An existing `__typename` is kept unless it names an
 * abstract type (an `@interfaceObject` answer) and the incoming one is concrete.
 */
export function deepMerge(target: Json, source: Json, abstractTypes?: ReadonlySet<string>): void {
  for (const key of Object.keys(source)) {
    const incoming = source[key];
    const current = target[key];
    if (key === '__typename' && current !== undefined) {
      if (abstractTypes?.has(current as string) && !abstractTypes.has(incoming as string))
        target[key] = incoming;
      continue;
    }
    if (isObject(current) && isObject(incoming)) deepMerge(current, incoming, abstractTypes);
    else if (Array.isArray(current) && Array.isArray(incoming) && current.length === incoming.length) {
      for (let i = 0; i < current.length; i++) {
        const c = current[i];
        const n = incoming[i];
        if (isObject(c) && isObject(n)) deepMerge(c, n, abstractTypes);
        else if (Array.isArray(c) && Array.isArray(n))
          deepMerge({ v: c } as Json, { v: n } as Json, abstractTypes);
        else current[i] = n;
      }
    } else target[key] = incoming;
  }
}

/** Every object at a merge path (`@` walks lists, `... on T` keeps objects of type T). */
function locate(root: Json, path: readonly string[], possible: ReadonlySet<string>): Json[] {
  let current: Json[] = [root];
  for (const segment of path) {
    if (segment === '@') continue;
    const next: Json[] = [];
    if (segment.startsWith('... on ')) {
      const typeName = segment.slice(7);
      for (const obj of current) if (obj.__typename === typeName) next.push(obj);
    } else {
      for (const obj of current) flatten(obj[segment], next);
    }
    current = next;
  }
  return possible.size === 0 ? current : current.filter((obj) => possible.has(obj.__typename as string));
}

function flatten(value: unknown, out: Json[]): void {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) flatten(value[i], out);
  } else if (isObject(value)) out.push(value);
}

/** The response path of one object under a merge path; only computed when an error needs it. */
function pathOf(root: Json, path: readonly string[], target: Json): ResponsePath | undefined {
  const search = (value: unknown, index: number, at: ResponsePath): ResponsePath | undefined => {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const found = search(value[i], index, [...at, i]);
        if (found) return found;
      }
      return undefined;
    }
    if (!isObject(value)) return undefined;
    let i = index;
    while (i < path.length && (path[i] === '@' || path[i]!.startsWith('... on '))) i++;
    if (i === path.length) return value === target ? at : undefined;
    return search(value[path[i]!], i + 1, [...at, path[i]!]);
  };
  return search(root, 0, []);
}

/** Copies the fields of `input` from an object into a representation. */
function project(obj: Json, input: readonly Selection[], out: Json): void {
  for (const sel of input) {
    if (sel.kind === 'fragment') {
      if (sel.typeCondition === undefined || sel.typeCondition === obj.__typename)
        project(obj, sel.selections, out);
      continue;
    }
    const value = obj[sel.responseKey];
    if (value === undefined) continue;
    if (!sel.selections || value === null) out[sel.name] = value;
    else out[sel.name] = projectValue(value, sel.selections);
  }
}

function projectValue(value: unknown, input: readonly Selection[]): unknown {
  if (Array.isArray(value)) return value.map((v) => projectValue(v, input));
  if (!isObject(value)) return value;
  const out: Json = {};
  if (value.__typename !== undefined) out.__typename = value.__typename;
  project(value, input, out);
  return out;
}

/** Whether every key field has a value: a null key cannot identify an entity, and would fail its whole fetch. */
function hasKeys(representation: Json, keys: readonly string[]): boolean {
  for (const key of keys) if (representation[key] === null || representation[key] === undefined) return false;
  return true;
}

/** Runs a plan and returns the merged (not yet shaped) data and the subgraph errors. */
export async function executePlan(
  plan: QueryPlan,
  ctx: ExecutionContext,
): Promise<{ data: Json; errors: ExecutionError[] }> {
  const data: Json = ctx.initialData ?? {};
  const errors: ExecutionError[] = [];
  if (plan.node) await runNode(plan.node, ctx, data, errors);
  return { data, errors };
}

async function runNode(
  node: PlanNode,
  ctx: ExecutionContext,
  data: Json,
  errors: ExecutionError[],
): Promise<void> {
  switch (node.kind) {
    case 'Sequence':
      for (const child of node.nodes) await runNode(child, ctx, data, errors);
      return;
    case 'Parallel':
      await Promise.all(node.nodes.map((child) => runNode(child, ctx, data, errors)));
      return;
    case 'Fetch':
      await runRootFetch(node, ctx, data, errors);
      return;
    case 'Flatten':
      await runEntityFetch(node.path, node.node, ctx, data, errors);
  }
}

/** The variables a fetch uses, taken from the operation's coerced variables. */
export function pickVariables(fetch: FetchNode, variables: Record<string, unknown>): Json {
  const out: Json = {};
  for (const name of fetch.variableUsages) if (variables[name] !== undefined) out[name] = variables[name];
  return out;
}

async function send(
  fetch: FetchNode,
  ctx: ExecutionContext,
  variables: Json,
  variablesJson?: string,
): Promise<SubgraphResponse> {
  const fetcher = ctx.fetchers.get(fetch.serviceName);
  if (!fetcher)
    throw new SubgraphHttpError(`no URL for subgraph "${fetch.serviceName}"`, 'SUBREQUEST_HTTP_ERROR');
  const started = performance.now();
  try {
    const response = await fetcher(
      variablesJson === undefined
        ? { query: fetch.operation, variables }
        : { query: fetch.operation, variablesJson },
      {
        headers: ctx.headers,
        timeoutMs: ctx.timeoutFor?.(fetch.serviceName) ?? ctx.timeoutMs,
        signal: ctx.signal,
      },
    );
    ctx.onFetch?.(fetch.serviceName, true, performance.now() - started);
    return response;
  } catch (error) {
    ctx.onFetch?.(fetch.serviceName, false, performance.now() - started);
    throw error;
  }
}

function fetchFailure(fetch: FetchNode, error: unknown, path?: ResponsePath): ExecutionError {
  const code = error instanceof SubgraphHttpError ? error.code : 'SUBREQUEST_HTTP_ERROR';
  const message = error instanceof Error ? error.message : String(error);
  return {
    message: `Fetch from subgraph "${fetch.serviceName}" failed: ${message}`,
    ...(path ? { path } : {}),
    extensions: { code, serviceName: fetch.serviceName },
  };
}

function subgraphError(
  fetch: FetchNode,
  raw: Record<string, unknown>,
  path: ResponsePath | undefined,
): ExecutionError {
  const extensions = isObject(raw.extensions) ? { ...raw.extensions } : {};
  // Subgraphs in development mode attach stack traces; they never reach clients.
  delete extensions.stacktrace;
  delete extensions.exception;
  extensions.serviceName = fetch.serviceName;
  if (extensions.code === undefined) extensions.code = 'DOWNSTREAM_SERVICE_ERROR';
  const out: ExecutionError = { message: typeof raw.message === 'string' ? raw.message : 'Subgraph error' };
  if (path) out.path = path;
  out.extensions = extensions;
  return out;
}

async function runRootFetch(
  fetch: FetchNode,
  ctx: ExecutionContext,
  data: Json,
  errors: ExecutionError[],
): Promise<void> {
  let response: SubgraphResponse;
  try {
    response = await send(fetch, ctx, pickVariables(fetch, ctx.variables));
  } catch (error) {
    errors.push(fetchFailure(fetch, error));
    return;
  }
  if (fetch.restore && isObject(response.data)) restoreAliases(response.data, fetch.restore);
  if (isObject(response.data)) deepMerge(data, response.data, ctx.abstractTypes);
  for (const raw of response.errors ?? []) {
    const path = Array.isArray(raw.path) ? (raw.path as ResponsePath) : undefined;
    errors.push(subgraphError(fetch, raw, path));
  }
}

async function runEntityFetch(
  path: string[],
  fetch: FetchNode,
  ctx: ExecutionContext,
  data: Json,
  errors: ExecutionError[],
): Promise<void> {
  const inputs = new Map<string, EntityInput>();
  for (const input of fetch.inputs ?? []) inputs.set(input.typename, input);
  const located = locate(data, path, new Set(inputs.keys()));
  if (located.length === 0) return;
  // Each distinct representation is serialized once: the text is both its identity and its part of the body.
  const representations: string[] = [];
  const targets: Json[][] = [];
  const seen = new Map<string, number>();
  for (const item of located) {
    const input = inputs.get(item.__typename as string);
    if (!input) continue;
    const representation: Json = { __typename: input.sendAs };
    project(item, input.input, representation);
    representation.__typename = input.sendAs;
    if (input.keys && !hasKeys(representation, input.keys)) continue;
    const identity = JSON.stringify(representation);
    const index = seen.get(identity);
    if (index === undefined) {
      seen.set(identity, representations.length);
      representations.push(identity);
      targets.push([item]);
    } else targets[index]!.push(item);
  }
  if (representations.length === 0) return;
  let response: SubgraphResponse;
  try {
    const others =
      fetch.variableUsages.length > 0 ? JSON.stringify(pickVariables(fetch, ctx.variables)) : '{}';
    const variablesJson = `{${others.length > 2 ? `${others.slice(1, -1)},` : ''}"representations":[${representations.join(',')}]}`;
    response = await send(fetch, ctx, {}, variablesJson);
  } catch (error) {
    errors.push(fetchFailure(fetch, error, located[0] ? pathOf(data, path, located[0]) : undefined));
    return;
  }
  const entities =
    isObject(response.data) && Array.isArray(response.data._entities) ? response.data._entities : [];
  for (let i = 0; i < targets.length; i++) {
    const entity = entities[i];
    if (!isObject(entity)) continue;
    if (fetch.restore) restoreAliases(entity, fetch.restore);
    for (const item of targets[i]!) deepMerge(item, entity, ctx.abstractTypes);
  }
  for (const raw of response.errors ?? []) {
    let mapped: ResponsePath | undefined;
    if (Array.isArray(raw.path) && raw.path[0] === '_entities' && typeof raw.path[1] === 'number') {
      const target = targets[raw.path[1]]?.[0];
      const base = target ? pathOf(data, path, target) : undefined;
      if (base) mapped = [...base, ...(raw.path.slice(2) as ResponsePath)];
    }
    errors.push(subgraphError(fetch, raw, mapped));
  }
}
