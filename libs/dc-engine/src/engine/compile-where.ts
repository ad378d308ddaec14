import {
  DcRequestError,
  joinPath,
  type BinaryComparisonOperator,
  type ComparisonColumn,
  type Expression,
  type ScalarType,
  type ScalarValue,
} from '@switchyard/dc-api';
import type { Row, TableData } from '../dataset/table-data.js';
import type { QueryScope, ResolvedRelationship } from './relationships.js';

export type Predicate = (row: Row) => boolean;

export interface CompiledWhere {
  predicate: Predicate;
  /** The expression in readable form, for `/explain`. */
  text: string;
}

type NonNull = string | number | boolean;

const OPERATORS: Record<
  BinaryComparisonOperator,
  { symbol: string; test: (a: NonNull, b: NonNull) => boolean }
> = {
  less_than: { symbol: '<', test: (a, b) => a < b },
  less_than_or_equal: { symbol: '<=', test: (a, b) => a <= b },
  greater_than: { symbol: '>', test: (a, b) => a > b },
  greater_than_or_equal: { symbol: '>=', test: (a, b) => a >= b },
  equal: { symbol: '=', test: (a, b) => a === b },
};

interface ResolvedColumn {
  rels: ResolvedRelationship[];
  table: TableData;
  name: string;
  type: ScalarType;
  label: string;
}

const TYPE_OF_VALUE: Record<string, ScalarType> = { string: 'string', number: 'number', boolean: 'bool' };

function resolveColumn(
  scope: QueryScope,
  table: TableData,
  column: ComparisonColumn,
  path: string,
): ResolvedColumn {
  const rels: ResolvedRelationship[] = [];
  let current = table;
  column.path.forEach((name, i) => {
    const rel = scope.relationship(current, name, `${path}.path[${i}]`);
    rels.push(rel);
    current = rel.target;
  });
  const type = current.columnType(column.name, `${path}.name`);
  const label = [...column.path, column.name].join('.');
  return { rels, table: current, name: column.name, type, label };
}

function checkScalar(value: ScalarValue, column: ResolvedColumn, path: string): void {
  if (value === null) return;
  const type = TYPE_OF_VALUE[typeof value];
  if (type !== column.type) {
    throw new DcRequestError(
      'type-mismatch',
      `${path}: ${column.table.name}.${column.name} is a ${column.type} column but the value ${JSON.stringify(value)} is a ${type}`,
      { path, column: column.label, expected: column.type, received: value },
    );
  }
}

/** Rows reached from `row` by following `rels` (hash lookups per hop). */
function relatedRows(row: Row, rels: readonly ResolvedRelationship[]): Row[] {
  let current: Row[] = [row];
  for (const rel of rels) {
    const next: Row[] = [];
    const targetRows = rel.target.rows;
    for (const r of current) for (const p of rel.lookup(r)) next.push(targetRows[p]!);
    if (next.length === 0) return next;
    current = next;
  }
  return current;
}

/** Whether some row reached from `row` through `rels` (from hop `depth` on) passes `test`; stops at the first. */
function existsAlong(
  row: Row,
  rels: readonly ResolvedRelationship[],
  depth: number,
  test: (row: Row) => boolean,
): boolean {
  if (depth === rels.length) return test(row);
  const rel = rels[depth]!;
  const targetRows = rel.target.rows;
  for (const p of rel.lookup(row)) if (existsAlong(targetRows[p]!, rels, depth + 1, test)) return true;
  return false;
}

/** A predicate that holds when any row across the column's relationship path passes `test`. */
function anyAlong(column: ResolvedColumn, test: (row: Row) => boolean): Predicate {
  const rels = column.rels;
  return (row) => existsAlong(row, rels, 0, test);
}

/** Values of a column for `row`: one for a column of the row itself, one per related row across a path. */
function valuesOf(column: ResolvedColumn): (row: Row) => ScalarValue[] {
  const name = column.name;
  if (column.rels.length === 0) return (row) => [row[name] ?? null];
  const rels = column.rels;
  return (row) => relatedRows(row, rels).map((r) => r[name] ?? null);
}

/** Precompiles a `where` expression into closures, checking every name and value type on the way. */
export function compileWhere(
  scope: QueryScope,
  table: TableData,
  expression: Expression,
  path: string,
): CompiledWhere {
  switch (expression.type) {
    case 'and':
    case 'or': {
      const parts = expression.expressions.map((e, i) =>
        compileWhere(scope, table, e, `${path}.expressions[${i}]`),
      );
      const isAnd = expression.type === 'and';
      const text =
        parts.length === 0
          ? isAnd
            ? 'TRUE'
            : 'FALSE'
          : parts.length === 1
            ? parts[0]!.text
            : `(${parts.map((p) => p.text).join(isAnd ? ' AND ' : ' OR ')})`;
      const preds = parts.map((p) => p.predicate);
      if (preds.length === 0) return { predicate: isAnd ? () => true : () => false, text };
      if (preds.length === 1) return { predicate: preds[0]!, text };
      if (preds.length === 2) {
        const [a, b] = preds as [Predicate, Predicate];
        return { predicate: isAnd ? (row) => a(row) && b(row) : (row) => a(row) || b(row), text };
      }
      return {
        predicate: isAnd
          ? (row) => {
              for (const p of preds) if (!p(row)) return false;
              return true;
            }
          : (row) => {
              for (const p of preds) if (p(row)) return true;
              return false;
            },
        text,
      };
    }
    case 'not': {
      const inner = compileWhere(scope, table, expression.expression, `${path}.expression`);
      const p = inner.predicate;
      return { predicate: (row) => !p(row), text: `NOT ${inner.text}` };
    }
    case 'unary_op': {
      const column = resolveColumn(scope, table, expression.column, `${path}.column`);
      const name = column.name;
      const text = `${column.label} IS NULL`;
      if (column.rels.length === 0) return { predicate: (row) => row[name] === null, text };
      return { predicate: anyAlong(column, (r) => r[name] === null), text };
    }
    case 'binary_arr_op': {
      const column = resolveColumn(scope, table, expression.column, `${path}.column`);
      expression.values.forEach((v, i) => checkScalar(v, column, `${path}.values[${i}]`));
      const set = new Set<ScalarValue>(expression.values.filter((v) => v !== null));
      const text = `${column.label} IN (${expression.values.map((v) => JSON.stringify(v)).join(', ')})`;
      const name = column.name;
      if (column.rels.length === 0) return { predicate: (row) => set.has(row[name] ?? null), text };
      return { predicate: anyAlong(column, (r) => set.has(r[name] ?? null)), text };
    }
    case 'binary_op': {
      const column = resolveColumn(scope, table, expression.column, `${path}.column`);
      const op = OPERATORS[expression.operator];
      const test = op.test;
      const value = expression.value;
      if (value.type === 'scalar') {
        checkScalar(value.value, column, `${path}.value.value`);
        const text = `${column.label} ${op.symbol} ${JSON.stringify(value.value)}`;
        const k = value.value;
        if (k === null) return { predicate: () => false, text };
        const name = column.name;
        if (column.rels.length === 0) {
          if (expression.operator === 'equal') return { predicate: (row) => row[name] === k, text };
          return {
            predicate: (row) => {
              const v = row[name];
              return v !== null && v !== undefined && test(v, k);
            },
            text,
          };
        }
        return {
          predicate: anyAlong(column, (r) => {
            const v = r[name];
            return v !== null && v !== undefined && test(v, k);
          }),
          text,
        };
      }
      const other = resolveColumn(scope, table, value.column, `${path}.value.column`);
      if (other.type !== column.type) {
        throw new DcRequestError(
          'type-mismatch',
          `${path}.value.column: cannot compare ${column.label} (${column.type}) with ${other.label} (${other.type})`,
          { path: `${path}.value.column`, expected: column.type, received: other.type },
        );
      }
      const text = `${column.label} ${op.symbol} ${other.label}`;
      if (column.rels.length === 0 && other.rels.length === 0) {
        const a = column.name;
        const b = other.name;
        return {
          predicate: (row) => {
            const x = row[a];
            const y = row[b];
            return x !== null && x !== undefined && y !== null && y !== undefined && test(x, y);
          },
          text,
        };
      }
      const left = valuesOf(column);
      const right = valuesOf(other);
      return {
        predicate: (row) => {
          const ls = left(row);
          if (ls.length === 0) return false;
          const rs = right(row);
          for (const l of ls) {
            if (l === null) continue;
            for (const r of rs) if (r !== null && test(l, r)) return true;
          }
          return false;
        },
        text,
      };
    }
    default: {
      const unknown = expression as { type?: unknown };
      throw new DcRequestError(
        'unknown-operator',
        `${joinPath(path, 'type')}: unknown expression type ${JSON.stringify(unknown.type)}`,
        {
          path: joinPath(path, 'type'),
        },
      );
    }
  }
}

export interface IndexAccess {
  column: string;
  values: Array<string | number | boolean>;
}

/**
 * Finds an indexed access path implied by a `where`: an `equal` or `in` on an indexed column of the table
 * itself, alone or inside an `and` (the smallest candidate set wins). Every candidate row is still checked
 * against the full predicate, so the access path only narrows the scan.
 */
export function findIndexAccess(
  table: TableData,
  expression: Expression | null | undefined,
): IndexAccess | null {
  if (!expression) return null;
  const size = (access: IndexAccess) => {
    const index = table.existingIndex(access.column)!;
    return access.values.reduce<number>((n, v) => n + (index.get(v)?.length ?? 0), 0);
  };
  switch (expression.type) {
    case 'binary_op': {
      const { column, value } = expression;
      if (
        expression.operator !== 'equal' ||
        column.path.length > 0 ||
        value.type !== 'scalar' ||
        value.value === null
      )
        return null;
      return table.existingIndex(column.name) ? { column: column.name, values: [value.value] } : null;
    }
    case 'binary_arr_op': {
      if (expression.column.path.length > 0 || !table.existingIndex(expression.column.name)) return null;
      return {
        column: expression.column.name,
        values: [...new Set(expression.values.filter((v) => v !== null))],
      };
    }
    case 'and': {
      let best: IndexAccess | null = null;
      let bestSize = Infinity;
      for (const e of expression.expressions) {
        const access = findIndexAccess(table, e);
        if (!access) continue;
        const n = size(access);
        if (n < bestSize) {
          best = access;
          bestSize = n;
        }
      }
      return best;
    }
    default:
      return null;
  }
}
