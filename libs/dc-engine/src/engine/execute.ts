import { DcRequestError, type ResponseRow } from '@switchyard/dc-api';
import type { QueryPlan } from './plan.js';
import { topK } from './top-k.js';

/** Filters `candidates` (or every row), then orders and pages them: top-k when a limit bounds the result. */
function selectRows(plan: QueryPlan, candidates: readonly number[] | null): number[] {
  const { limit, offset, predicate, compare } = plan;
  if (limit === 0) return [];
  const rows = plan.table.rows;
  const total = candidates ? candidates.length : rows.length;
  // Without an order the first offset+limit matches are the answer, so the scan stops there.
  const stopAfter = compare || limit === null ? Infinity : offset + limit;
  let matched: number[] = [];
  if (!predicate && candidates)
    matched = candidates.length > stopAfter ? candidates.slice(0, stopAfter) : (candidates as number[]);
  else {
    for (let i = 0; i < total && matched.length < stopAfter; i++) {
      const p = candidates ? candidates[i]! : i;
      if (!predicate || predicate(rows[p]!)) matched.push(p);
    }
  }
  if (compare) {
    if (limit !== null && offset + limit < matched.length)
      return topK(matched, offset + limit, compare).slice(offset);
    matched = matched === candidates ? [...matched].sort(compare) : matched.sort(compare);
  }
  if (offset === 0 && (limit === null || limit >= matched.length)) return matched;
  return matched.slice(offset, limit === null ? undefined : offset + limit);
}

/** Rows of the top-level query, through its index access path when it has one. */
function selectTopLevel(plan: QueryPlan): number[] {
  if (!plan.access) return selectRows(plan, null);
  const index = plan.table.existingIndex(plan.access.column)!;
  const lists = plan.access.values.map((v) => index.get(v) ?? []);
  let candidates: number[];
  if (lists.length === 1) candidates = lists[0]!;
  else candidates = [...new Set(lists.flat())].sort((a, b) => a - b);
  return selectRows(plan, candidates);
}

/** Bounds on one response; a query that would pass one is refused before its rows are built or serialised. */
export interface ResponseLimits {
  /** Most rows in the response, nested rows included (each time they appear). */
  maxRows: number;
  /** Most bytes of the serialised response. */
  maxBytes: number;
}

interface Projected {
  rows: ResponseRow[];
  /** Rows each projected row stands for in the response: itself plus every nested row it carries. */
  sizes: Float64Array;
}

function tooManyRows(limits: ResponseLimits, rows: number): DcRequestError {
  return new DcRequestError(
    'response-too-large',
    `The response would hold more than ${limits.maxRows} rows (nested rows included; MAX_RESPONSE_ROWS): add a limit or a where, or select fewer relationships`,
    { limit: limits.maxRows, rows },
    422,
  );
}

/**
 * Builds the response rows for `positions` of the plan's table. Each relationship field is evaluated once for the
 * whole batch: one hash lookup per parent row, then the distinct related rows are projected together (recursively)
 * and shared by every parent that selects them. Rows are counted as they will appear in the response, so a join
 * that fans out is refused (`limits.maxRows`) before its rows are assembled.
 */
function project(plan: QueryPlan, positions: readonly number[], limits: ResponseLimits): Projected {
  const rows = plan.table.rows;
  const fields = plan.fields;
  const sizes = new Float64Array(positions.length).fill(1);
  const related = fields.map((field) => {
    if (field.kind === 'column') return null;
    const perParent: number[][] = new Array(positions.length);
    let total = 0;
    for (let i = 0; i < positions.length; i++) {
      const selected = selectRows(field.plan, field.relationship.lookup(rows[positions[i]!]!));
      perParent[i] = selected;
      total += selected.length;
    }
    // Distinct related rows, each projected once; a dense slot array when the batch touches much of the table.
    const targetCount = field.plan.table.rows.length;
    const childPositions: number[] = [];
    let slotOf: (p: number) => number;
    if (total * 8 >= targetCount) {
      const slots = new Int32Array(targetCount);
      for (const selected of perParent) {
        for (const p of selected) if (slots[p] === 0) slots[p] = childPositions.push(p);
      }
      slotOf = (p) => slots[p]! - 1;
    } else {
      const slots = new Map<number, number>();
      for (const selected of perParent) {
        for (const p of selected) if (!slots.has(p)) slots.set(p, childPositions.push(p) - 1);
      }
      slotOf = (p) => slots.get(p)!;
    }
    const children = project(field.plan, childPositions, limits);
    const isObject = field.relationship.type === 'object';
    for (let i = 0; i < positions.length; i++) {
      const selected = perParent[i]!;
      const count = isObject ? Math.min(1, selected.length) : selected.length;
      for (let k = 0; k < count; k++) sizes[i]! += children.sizes[slotOf(selected[k]!)]!;
    }
    return { perParent, childRows: children.rows, slotOf, isObject };
  });
  let rowTotal = 0;
  for (const size of sizes) rowTotal += size;
  if (rowTotal > limits.maxRows) throw tooManyRows(limits, rowTotal);
  const out: ResponseRow[] = new Array(positions.length);
  for (let i = 0; i < positions.length; i++) {
    const row = rows[positions[i]!]!;
    // Null prototype: an alias such as __proto__ is an ordinary key of the row.
    const result = Object.create(null) as ResponseRow;
    for (let f = 0; f < fields.length; f++) {
      const field = fields[f]!;
      if (field.kind === 'column') {
        result[field.alias] = row[field.column] ?? null;
        continue;
      }
      const rel = related[f]!;
      const selected = rel.perParent[i]!;
      if (rel.isObject)
        result[field.alias] = selected.length > 0 ? rel.childRows[rel.slotOf(selected[0]!)]! : null;
      else {
        const list: ResponseRow[] = new Array(selected.length);
        for (let k = 0; k < selected.length; k++) list[k] = rel.childRows[rel.slotOf(selected[k]!)]!;
        result[field.alias] = list;
      }
    }
    out[i] = result;
  }
  return { rows: out, sizes };
}

export interface QueryResult {
  /** The response body: a JSON array of rows whose keys are the requested field names in request order. */
  json: string;
  /** Number of top-level rows. */
  rowCount: number;
}

/** Defaults of {@link ResponseLimits}: 100,000 rows and 32 MiB. */
export const DEFAULT_RESPONSE_LIMITS: ResponseLimits = { maxRows: 100_000, maxBytes: 32 * 1_048_576 };

/** Runs a compiled plan and serializes the response body once; refuses responses over `limits` (422). */
export function executePlan(plan: QueryPlan, limits: ResponseLimits = DEFAULT_RESPONSE_LIMITS): QueryResult {
  const { rows } = project(plan, selectTopLevel(plan), limits);
  const json = JSON.stringify(rows);
  // UTF-16 length bounds the UTF-8 size from below; only a response near the limit needs the exact count.
  const bytes = json.length > limits.maxBytes / 3 ? Buffer.byteLength(json, 'utf8') : json.length;
  if (bytes > limits.maxBytes) {
    throw new DcRequestError(
      'response-too-large',
      `The response would be larger than ${limits.maxBytes} bytes (MAX_RESPONSE_BYTES): add a limit or a where, or select fewer fields`,
      { limitBytes: limits.maxBytes, bytes },
      422,
    );
  }
  return { json, rowCount: rows.length };
}
