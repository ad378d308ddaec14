import type { ThenAction } from '@switchyard/playbook-dsl';

type Collect = NonNullable<ThenAction['collect']>;

/** What `collect` gathered for one step over its pagination retries (NoETL's `pagination_state`). */
export interface PageCollection {
  items: unknown[];
  pages: number;
}

/** Picks `path` (dot-separated) out of a response; undefined when a part is missing. */
function pick(value: unknown, path: string | undefined): unknown {
  if (!path || typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  let current: unknown = value;
  for (const part of path.split('.')) {
    if (typeof current === 'object' && current !== null && !Array.isArray(current) && part in current)
      current = (current as Record<string, unknown>)[part];
    else return undefined;
  }
  return current;
}

/** Adds one page, following NoETL's `collect` strategies (append, extend a list, replace). */
export function collectPage(state: PageCollection, spec: Collect, response: unknown): void {
  if (response === null || response === undefined) return;
  const data = pick(response, spec.path);
  if (data === undefined || data === null) return;
  if (spec.strategy === 'append') state.items.push(data);
  else if (spec.strategy === 'extend' && Array.isArray(data)) state.items.push(...data);
  else if (spec.strategy === 'replace') state.items = [data];
  state.pages += 1;
}

/**
 * The step's result once pagination ends: a mapping gains `_pagination` and `_all_collected_items`
 * (pages flattened one level); anything else is wrapped as `original_result`.
 */
export function withCollected(result: unknown, state: PageCollection): unknown {
  if (state.items.length === 0) return result;
  const summary = { pages_collected: state.pages, all_items: state.items };
  const flat = state.items.flatMap((item) => (Array.isArray(item) ? item : [item]));
  if (typeof result === 'object' && result !== null && !Array.isArray(result))
    return { ...result, _pagination: summary, _all_collected_items: flat };
  return { original_result: result, _pagination: summary, _all_collected_items: flat };
}
