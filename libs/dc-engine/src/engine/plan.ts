import { DcRequestError, joinPath, type Query, type QueryRequest } from '@switchyard/dc-api';
import type { TableData } from '../dataset/table-data.js';
import { rowComparator, type OrderKey } from './compare.js';
import { compileWhere, findIndexAccess, type IndexAccess, type Predicate } from './compile-where.js';
import { QueryScope, type ResolvedRelationship } from './relationships.js';
import type { Dataset } from '../dataset/dataset.js';

export type PlannedField =
  | { kind: 'column'; alias: string; column: string }
  | { kind: 'relationship'; alias: string; relationship: ResolvedRelationship; plan: QueryPlan };

/** A query compiled once per request: names resolved, `where` turned into closures, access path chosen. */
export interface QueryPlan {
  table: TableData;
  fields: PlannedField[];
  predicate: Predicate | null;
  whereText: string | null;
  /** Only for a top-level query; relationship queries are reached through their relationship's lookup. */
  access: IndexAccess | null;
  order: OrderKey[];
  compare: ((a: number, b: number) => number) | null;
  limit: number | null;
  offset: number;
}

function planQuery(
  scope: QueryScope,
  table: TableData,
  query: Query,
  path: string,
  topLevel: boolean,
): QueryPlan {
  const fields: PlannedField[] = [];
  for (const [alias, field] of Object.entries(query.fields)) {
    const fieldPath = joinPath(
      joinPath(`${path}.fields`, alias),
      field.type === 'column' ? 'column' : 'relationship',
    );
    if (field.type === 'column') {
      table.columnType(field.column, fieldPath);
      fields.push({ kind: 'column', alias, column: field.column });
    } else {
      const relationship = scope.relationship(table, field.relationship, fieldPath);
      const subPath = joinPath(joinPath(`${path}.fields`, alias), 'query');
      fields.push({
        kind: 'relationship',
        alias,
        relationship,
        plan: planQuery(scope, relationship.target, field.query, subPath, false),
      });
    }
  }

  const where = query.where ? compileWhere(scope, table, query.where, `${path}.where`) : null;

  const order: OrderKey[] = (query.order_by ?? []).map((entry, i) => {
    const key = 'field' in entry ? 'field' : 'column';
    const name = 'field' in entry ? entry.field : entry.column;
    const descending = ('field' in entry ? entry.order_type : entry.ordering) === 'desc';
    if (table.hasColumn(name)) return { column: name, descending };
    const aliased = query.fields[name];
    if (aliased?.type === 'column' && table.hasColumn(aliased.column))
      return { column: aliased.column, descending };
    const at = `${path}.order_by[${i}].${key}`;
    throw new DcRequestError(
      'unknown-column',
      `${at}: table ${table.name} has no column ${JSON.stringify(name)} to order by`,
      {
        path: at,
        table: table.name,
        column: name,
      },
    );
  });

  return {
    table,
    fields,
    predicate: where?.predicate ?? null,
    whereText: where?.text ?? null,
    access: topLevel ? findIndexAccess(table, query.where) : null,
    order,
    compare: order.length > 0 ? rowComparator(table.rows, order) : null,
    limit: query.limit ?? null,
    offset: query.offset ?? 0,
  };
}

/** Checks a request against the data set and compiles it. Throws DcRequestError naming the bad place. */
export function planRequest(
  dataset: Dataset,
  allowedTables: ReadonlySet<string> | null,
  request: QueryRequest,
): QueryPlan {
  const scope = new QueryScope(dataset, allowedTables);
  const table = scope.table(request.table, 'table');
  scope.addRequestRelationships(request);
  return planQuery(scope, table, request.query, 'query', true);
}
