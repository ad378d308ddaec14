import pg from 'pg';
import type { StatementResult } from '../storage/database.js';
import type { ToolHandler } from './types.js';

function connectionString(data: Record<string, unknown>): string {
  const direct = data.connection_string ?? data.url ?? data.dsn;
  if (typeof direct === 'string') return direct;
  const user = encodeURIComponent(String(data.user ?? data.username ?? 'postgres'));
  const password = data.password !== undefined ? `:${encodeURIComponent(String(data.password))}` : '';
  const host = String(data.host ?? '127.0.0.1');
  const port = String(data.port ?? 5432);
  const database = encodeURIComponent(String(data.database ?? data.dbname ?? 'postgres'));
  return `postgres://${user}${password}@${host}:${port}/${database}`;
}

function shape(results: StatementResult[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  results.forEach((r, i) => {
    out[`command_${i}`] = { rows: r.rows, columns: r.columns, row_count: r.rowCount, status: 'success' };
  });
  return out;
}

/**
 * `postgres`: runs `command` (one or more statements) or `query` (with `params`) against the credential
 * named by `auth`, or the engine's own database. Result: `{ command_0: { rows, columns, row_count, status } }`.
 */
export const postgresTool: ToolHandler = async ({ config, signal }, runtime) => {
  const sql = String(config.query ?? config.command);
  const params = Array.isArray(config.params) ? config.params : undefined;
  const credential = typeof config.auth === 'string' && config.auth ? config.auth : undefined;
  if (!credential) {
    if (params) {
      const rows = await runtime.db.query(sql, params);
      return shape([{ rows, columns: rows[0] ? Object.keys(rows[0]) : [], rowCount: rows.length }]);
    }
    return shape(await runtime.db.exec(sql));
  }
  const secret = await runtime.credentials.secret(credential);
  const client = new pg.Client({
    connectionString: connectionString(secret.data),
    connectionTimeoutMillis: 10_000,
  });
  const onAbort = () => void client.end().catch(() => undefined);
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    await client.connect();
    const res = (await (params ? client.query(sql, params) : client.query(sql))) as
      pg.QueryResult | pg.QueryResult[];
    return shape(
      (Array.isArray(res) ? res : [res]).map((r) => ({
        rows: r.rows ?? [],
        columns: (r.fields ?? []).map((f) => f.name),
        rowCount: r.rowCount ?? 0,
      })),
    );
  } finally {
    signal.removeEventListener('abort', onAbort);
    await client.end().catch(() => undefined);
  }
};
