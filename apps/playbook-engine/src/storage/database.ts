import { mkdir } from 'node:fs/promises';
import pg from 'pg';
import type { PGlite } from '@electric-sql/pglite';

/** The part of a database connection that runs statements. */
export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

/** One statement's outcome of a multi-statement script. */
export interface StatementResult {
  rows: Record<string, unknown>[];
  columns: string[];
  rowCount: number;
}

/** The engine's storage connection: Postgres through `pg`, or PGlite in-process. */
export interface Database extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  /** Runs a script of one or more statements without parameters. */
  exec(sql: string): Promise<StatementResult[]>;
  /** Runs `fn` in a transaction; it commits when `fn` resolves and rolls back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export async function openDatabase(options: { databaseUrl?: string; dataDir: string }): Promise<Database> {
  return options.databaseUrl ? openPostgres(options.databaseUrl) : openPglite(options.dataDir);
}

export function openPostgres(url: string, maxConnections = 10): Database {
  const pool = new pg.Pool({ connectionString: url, max: maxConnections });
  // An idle client that loses its server must not crash the process.
  pool.on('error', () => undefined);
  return {
    kind: 'postgres',
    async query<T>(sql: string, params: unknown[] = []) {
      const res = await pool.query(sql, params);
      return res.rows as T[];
    },
    async exec(sql) {
      const res = (await pool.query(sql)) as pg.QueryResult | pg.QueryResult[];
      return (Array.isArray(res) ? res : [res]).map((r) => ({
        rows: r.rows ?? [],
        columns: (r.fields ?? []).map((f) => f.name),
        rowCount: r.rowCount ?? 0,
      }));
    },
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const tx: Queryable = {
          async query<T>(sql: string, params: unknown[] = []) {
            return (await client.query(sql, params)).rows as T[];
          },
        };
        const result = await fn(tx);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

export async function openPglite(dataDir: string): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite');
  let db: PGlite;
  if (dataDir === ':memory:') {
    db = new PGlite();
  } else {
    await mkdir(dataDir, { recursive: true });
    db = new PGlite(dataDir);
  }
  await db.waitReady;
  return {
    kind: 'pglite',
    async query<T>(sql: string, params: unknown[] = []) {
      return (await db.query<T>(sql, params)).rows;
    },
    async exec(sql) {
      const results = await db.exec(sql);
      return results.map((r) => ({
        rows: r.rows as Record<string, unknown>[],
        columns: r.fields.map((f) => f.name),
        rowCount: r.affectedRows ?? r.rows.length,
      }));
    },
    transaction(fn) {
      return db.transaction(async (tx) =>
        fn({
          async query<T>(sql: string, params: unknown[] = []) {
            return (await tx.query<T>(sql, params)).rows;
          },
        }),
      );
    },
    close: () => db.close(),
  };
}

/** Timestamps come back as Date from both drivers; the API speaks ISO strings. */
export function iso(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  return new Date(String(value)).toISOString();
}

/**
 * `WHERE a = $1 AND b = $2 ...` for the conditions whose value is set, and the matching parameters; an empty
 * clause when none is. Column names come from code, never from input.
 */
export function whereEquals(conditions: Record<string, unknown>): { clause: string; params: unknown[] } {
  const params: unknown[] = [];
  const terms: string[] = [];
  for (const [column, value] of Object.entries(conditions)) {
    if (value === undefined || value === null || value === '') continue;
    params.push(value);
    terms.push(`${column} = $${params.length}`);
  }
  return { clause: terms.length ? `WHERE ${terms.join(' AND ')}` : '', params };
}
