import {
  DcRequestError,
  type ColumnInfo,
  type ScalarType,
  type ScalarValue,
  type TableInfo,
} from '@switchyard/dc-api';

export type Row = Record<string, ScalarValue>;

/** Hash index of one column: value -> positions of the rows holding it, ascending. Nulls are not indexed. */
export type HashIndex = Map<string | number | boolean, number[]>;

/** One table held in memory: rows in load order plus hash indexes on chosen columns. */
export class TableData {
  readonly columnTypes: Map<string, ScalarType>;
  private readonly indexes = new Map<string, HashIndex>();

  constructor(
    readonly name: string,
    readonly description: string | undefined,
    readonly primaryKey: string[],
    readonly columns: ColumnInfo[],
    readonly rows: Row[],
  ) {
    this.columnTypes = new Map(columns.map((c) => [c.name, c.type]));
  }

  hasColumn(column: string): boolean {
    return this.columnTypes.has(column);
  }

  /** The type of `column`, or an `unknown-column` error naming `path` in the request. */
  columnType(column: string, path: string): ScalarType {
    const type = this.columnTypes.get(column);
    if (type === undefined) {
      throw new DcRequestError(
        'unknown-column',
        `${path}: table ${this.name} has no column ${JSON.stringify(column)}`,
        { path, table: this.name, column },
      );
    }
    return type;
  }

  /** The index of `column`, if one was built. */
  existingIndex(column: string): HashIndex | undefined {
    return this.indexes.get(column);
  }

  /** The index of `column`, built on first use and kept. */
  index(column: string): HashIndex {
    let index = this.indexes.get(column);
    if (!index) {
      index = new Map();
      const rows = this.rows;
      for (let i = 0; i < rows.length; i++) {
        const value = rows[i]![column];
        if (value === null || value === undefined) continue;
        const list = index.get(value);
        if (list) list.push(i);
        else index.set(value, [i]);
      }
      this.indexes.set(column, index);
    }
    return index;
  }

  indexedColumns(): string[] {
    return [...this.indexes.keys()];
  }

  info(): TableInfo {
    const info: TableInfo = { name: this.name, primary_key: this.primaryKey, columns: this.columns };
    if (this.description !== undefined) info.description = this.description;
    return info;
  }
}
