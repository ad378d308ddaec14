import type { ScalarValue } from '@switchyard/dc-api';
import type { Row } from '../dataset/table-data.js';

/** Compares two non-null values of the same scalar type (numbers numerically, strings by code unit, false < true). */
export function compareValues(a: string | number | boolean, b: string | number | boolean): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface OrderKey {
  column: string;
  descending: boolean;
}

/** A comparator of row positions: keys in turn, nulls last ascending and first descending, then load order. */
export function rowComparator(
  rows: readonly Row[],
  keys: readonly OrderKey[],
): (a: number, b: number) => number {
  return (pa, pb) => {
    const ra = rows[pa]!;
    const rb = rows[pb]!;
    for (const key of keys) {
      const a: ScalarValue = ra[key.column] ?? null;
      const b: ScalarValue = rb[key.column] ?? null;
      if (a === b) continue;
      let c: number;
      if (a === null) c = key.descending ? -1 : 1;
      else if (b === null) c = key.descending ? 1 : -1;
      else {
        c = compareValues(a, b);
        if (key.descending) c = -c;
      }
      if (c !== 0) return c;
    }
    return pa - pb;
  };
}
