import type { ResponseRow } from '@switchyard/dc-api';
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

/**
 * Builds the response rows for `positions` of the plan's table. Each relationship field is evaluated once for the
 * whole batch: one hash lookup per parent row, then the distinct related rows are projected together (recursively)
 * and shared by every parent that selects them.
 */
function project(plan: QueryPlan, positions: readonly number[]): ResponseRow[] {
  const rows = plan.table.rows;
  const fields = plan.fields;
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
    const childRows = project(field.plan, childPositions);
    return { perParent, childRows, slotOf, isObject: field.relationship.type === 'object' };
  });
  const out: ResponseRow[] = new Array(positions.length);
  for (let i = 0; i < positions.length; i++) {
    const row = rows[positions[i]!]!;
    const result: ResponseRow = {};
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
  return out;
}

export interface QueryResult {
  /** The response body: a JSON array of rows whose keys are the requested field names in request order. */
  json: string;
  /** Number of top-level rows. */
  rowCount: number;
}

/** Runs a compiled plan and serializes the response body once. */
export function executePlan(plan: QueryPlan): QueryResult {
  const rows = project(plan, selectTopLevel(plan));
  return { json: JSON.stringify(rows), rowCount: rows.length };
}
