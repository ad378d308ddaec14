import { DcRequestError, joinPath, type QueryRequest, type RelationshipType } from '@switchyard/dc-api';
import type { Dataset } from '../dataset/dataset.js';
import type { HashIndex, Row, TableData } from '../dataset/table-data.js';

const NO_ROWS: readonly number[] = Object.freeze([]);

/** A relationship of the request, resolved against the data set, with its target-side hash index. */
export class ResolvedRelationship {
  private readonly index: HashIndex;
  private readonly firstSource: string;
  private readonly otherPairs: Array<[string, string]>;

  constructor(
    readonly name: string,
    readonly type: RelationshipType,
    readonly source: TableData,
    readonly target: TableData,
    readonly pairs: Array<[string, string]>,
  ) {
    const [first, ...rest] = pairs;
    this.firstSource = first![0];
    this.index = target.index(first![1]);
    this.otherPairs = rest;
  }

  /** Positions (ascending) of the target rows related to `row`: one hash lookup, never a scan. */
  lookup(row: Row): readonly number[] {
    const key = row[this.firstSource];
    if (key === null || key === undefined) return NO_ROWS;
    const hits = this.index.get(key);
    if (!hits) return NO_ROWS;
    if (this.otherPairs.length === 0) return hits;
    const targetRows = this.target.rows;
    return hits.filter((p) => {
      const t = targetRows[p]!;
      return this.otherPairs.every(([s, c]) => row[s] !== null && row[s] === t[c]);
    });
  }

  describe(): string {
    const mapping = this.pairs
      .map(([s, t]) => `${this.source.name}.${s} = ${this.target.name}.${t}`)
      .join(' AND ');
    return `${this.type} relationship ${this.name} -> ${this.target.name} on ${mapping}`;
  }
}

/** The tables a request may reach (config table filter applied) and the relationships it declares. */
export class QueryScope {
  private readonly relationships = new Map<string, Map<string, ResolvedRelationship>>();

  constructor(
    readonly dataset: Dataset,
    private readonly allowedTables: ReadonlySet<string> | null,
  ) {}

  /** The table called `name`, or an `unknown-table` error at `path` (also for tables the config hides). */
  table(name: string, path: string): TableData {
    const table = this.dataset.tables.get(name);
    if (!table || (this.allowedTables && !this.allowedTables.has(name))) {
      const available = [...this.dataset.tables.keys()].filter(
        (t) => !this.allowedTables || this.allowedTables.has(t),
      );
      throw new DcRequestError('unknown-table', `${path}: unknown table ${JSON.stringify(name)}`, {
        path,
        table: name,
        available,
      });
    }
    return table;
  }

  /** Resolves and checks every relationship in `table_relationships`. */
  addRequestRelationships(request: QueryRequest): void {
    request.table_relationships.forEach((entry, i) => {
      const base = `table_relationships[${i}]`;
      const source = this.table(entry.source_table, `${base}.source_table`);
      const byName = this.relationships.get(source.name) ?? new Map<string, ResolvedRelationship>();
      this.relationships.set(source.name, byName);
      for (const [name, rel] of Object.entries(entry.relationships)) {
        const relBase = joinPath(`${base}.relationships`, name);
        const relPath = joinPath(relBase, 'target_table');
        const target = this.table(rel.target_table, relPath);
        const pairs = Object.entries(rel.column_mapping);
        for (const [s, t] of pairs) {
          const mappingPath = joinPath(joinPath(relBase, 'column_mapping'), s);
          if (source.columnType(s, mappingPath) !== target.columnType(t, mappingPath)) {
            throw new DcRequestError(
              'type-mismatch',
              `${mappingPath}: ${source.name}.${s} (${source.columnTypes.get(s)}) cannot be joined to ${target.name}.${t} (${target.columnTypes.get(t)})`,
              { path: mappingPath },
            );
          }
        }
        byName.set(name, new ResolvedRelationship(name, rel.relationship_type, source, target, pairs));
      }
    });
  }

  /** The relationship `name` declared for `table`, or an `unknown-relationship` error at `path`. */
  relationship(table: TableData, name: string, path: string): ResolvedRelationship {
    const rel = this.relationships.get(table.name)?.get(name);
    if (!rel) {
      throw new DcRequestError(
        'unknown-relationship',
        `${path}: table ${table.name} has no relationship ${JSON.stringify(name)} in table_relationships`,
        {
          path,
          table: table.name,
          relationship: name,
          available: [...(this.relationships.get(table.name)?.keys() ?? [])],
        },
      );
    }
    return rel;
  }
}
