import type { ColumnInfo, ScalarType, ScalarValue } from '@switchyard/dc-api';
import {
  chinookRelationships,
  chinookTables,
  type RelationshipDescription,
  type TableDescription,
} from './chinook-description.js';
import { TableData, type Row } from './table-data.js';

/** The data an agent serves: tables by name plus the relationship metadata of the data set. */
export interface Dataset {
  /** Where the data came from, e.g. a file path or `synthetic(scale=1, seed=42)`. */
  readonly origin: string;
  readonly tables: ReadonlyMap<string, TableData>;
  readonly relationships: readonly RelationshipDescription[];
  readonly rowCount: number;
}

export class DatasetError extends Error {
  override name = 'DatasetError';
}

function typeOf(value: ScalarValue, where: string): ScalarType {
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'number':
      return 'number';
    case 'boolean':
      return 'bool';
    default:
      throw new DatasetError(`${where}: expected a string, number or boolean, got ${JSON.stringify(value)}`);
  }
}

/** Columns of a table the description does not know: names and types inferred from its rows. */
function inferColumns(table: string, rows: Array<Record<string, unknown>>): TableDescription['columns'] {
  const types = new Map<string, ScalarType | undefined>();
  for (const row of rows) {
    for (const [key, value] of Object.entries(row)) {
      if (value === null || value === undefined) {
        if (!types.has(key)) types.set(key, undefined);
      } else if (types.get(key) === undefined)
        types.set(key, typeOf(value as ScalarValue, `${table}.${key}`));
    }
  }
  return [...types].map(([name, type]) => ({ name, type: type ?? 'string' }));
}

/**
 * Builds a dataset from `{ Table: [row, ...] }`. Known Chinook tables use their declared columns; other tables
 * get inferred ones. Every row is rebuilt with the columns in schema order (missing keys become null), values are
 * type-checked, nullability is computed from the data, and primary and foreign key columns are indexed.
 */
export function buildDataset(raw: unknown, origin: string): Dataset {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new DatasetError(`${origin}: expected a JSON object of the form { "Table": [rows] }`);
  }
  const described = new Map(chinookTables.map((t) => [t.name, t]));
  const tables = new Map<string, TableData>();
  let rowCount = 0;
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    if (!Array.isArray(value)) throw new DatasetError(`${origin}: table ${name} is not an array of rows`);
    const rawRows = value as Array<Record<string, unknown>>;
    const description = described.get(name);
    const declared = description?.columns ?? inferColumns(name, rawRows);
    const nullable = new Set<string>();
    const rows: Row[] = new Array(rawRows.length);
    for (let i = 0; i < rawRows.length; i++) {
      const source = rawRows[i];
      if (source === null || typeof source !== 'object')
        throw new DatasetError(`${origin}: ${name}[${i}] is not an object`);
      const row: Row = {};
      for (const column of declared) {
        const v = source[column.name];
        if (v === null || v === undefined) {
          row[column.name] = null;
          nullable.add(column.name);
        } else {
          const t = typeOf(v as ScalarValue, `${name}[${i}].${column.name}`);
          if (t !== column.type)
            throw new DatasetError(
              `${origin}: ${name}[${i}].${column.name} is a ${t}, expected ${column.type}`,
            );
          row[column.name] = v as ScalarValue;
        }
      }
      rows[i] = row;
    }
    const columns: ColumnInfo[] = declared.map((c) => {
      const info: ColumnInfo = { name: c.name, type: c.type, nullable: nullable.has(c.name) };
      if (c.description !== undefined) info.description = c.description;
      return info;
    });
    tables.set(
      name,
      new TableData(name, description?.description, description?.primaryKey ?? [], columns, rows),
    );
    rowCount += rows.length;
  }
  const relationships = chinookRelationships.filter(
    (r) => tables.has(r.sourceTable) && tables.has(r.targetTable),
  );
  for (const table of tables.values()) for (const column of table.primaryKey) table.index(column);
  for (const r of relationships) {
    for (const [source, target] of Object.entries(r.columnMapping)) {
      tables.get(r.sourceTable)!.index(source);
      tables.get(r.targetTable)!.index(target);
    }
  }
  return { origin, tables, relationships, rowCount };
}
