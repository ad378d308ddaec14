import pg from 'pg';
import { ToolError } from '../tool-error.js';

/** One statement's outcome. */
export interface StatementResult {
  rows: Record<string, unknown>[];
  columns: string[];
  rowCount: number;
}

type PgResult = { fields?: Array<{ name: string }>; rowCount: number | null; command?: string };

/**
 * Runs `sql` (several statements when there are no params) without buffering more than `maxRows` rows
 * in total: past that the query fails with ROW_LIMIT and `onOverflow` closes the connection.
 */
export function cappedQuery(
  client: pg.Client,
  sql: string,
  params: unknown[] | undefined,
  maxRows: number,
  onOverflow: () => void,
): Promise<StatementResult[]> {
  return new Promise((resolve, reject) => {
    const query = new pg.Query(sql, params);
    const rowsByResult = new Map<PgResult, Record<string, unknown>[]>();
    const order: PgResult[] = [];
    let total = 0;
    let overflowed = false;
    const single: PgResult = { rowCount: null };
    query.on('row', (row: Record<string, unknown>, builder?: PgResult) => {
      if (overflowed) return;
      const result = builder ?? single;
      let rows = rowsByResult.get(result);
      if (!rows) {
        rows = [];
        rowsByResult.set(result, rows);
        order.push(result);
      }
      if (++total > maxRows) {
        overflowed = true;
        reject(
          new ToolError(
            'ROW_LIMIT',
            `postgres tool: the query returned more than ${maxRows} rows; add a LIMIT or raise POSTGRES_TOOL_MAX_ROWS`,
          ),
        );
        onOverflow();
        return;
      }
      rows.push(row);
    });
    query.on('error', (error: Error) => reject(error));
    query.on('end', (ended: PgResult | PgResult[] | undefined) => {
      if (overflowed) return;
      const all = Array.isArray(ended) ? ended : ended ? [ended] : order;
      resolve(
        all.map((r) => ({
          rows: rowsByResult.get(r) ?? [],
          columns: (r.fields ?? []).map((f) => f.name),
          rowCount: r.rowCount ?? 0,
        })),
      );
    });
    client.query(query);
  });
}
