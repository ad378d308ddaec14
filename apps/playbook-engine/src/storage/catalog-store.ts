import type { CatalogEntry } from '@switchyard/engine-client';
import { iso, type Database } from './database.js';

export interface CatalogRecord extends CatalogEntry {
  content: string;
  payload: Record<string, unknown>;
}

interface CatalogRow {
  catalog_id: string;
  path: string;
  version: number;
  kind: string;
  name: string | null;
  description: string | null;
  content: string;
  payload: Record<string, unknown>;
  created_at: unknown;
}

const COLUMNS =
  'catalog_id::text AS catalog_id, path, version, kind, name, description, content, payload, created_at';

function toRecord(row: CatalogRow): CatalogRecord {
  return {
    catalog_id: row.catalog_id,
    path: row.path,
    version: Number(row.version),
    kind: row.kind,
    name: row.name,
    description: row.description,
    content: row.content,
    payload: row.payload,
    created_at: iso(row.created_at)!,
  };
}

export function entryOf(record: CatalogRecord): CatalogEntry {
  const { content: _c, payload: _p, ...entry } = record;
  return entry;
}

export class CatalogStore {
  constructor(private readonly db: Database) {}

  /** Registers a new version of `path` (version 1 for a new path). */
  async register(input: {
    path: string;
    kind: string;
    name: string | null;
    description: string | null;
    content: string;
    payload: Record<string, unknown>;
  }): Promise<CatalogRecord> {
    return this.db.transaction(async (tx) => {
      // Serialise registrations of one path so versions stay unique and consecutive.
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [input.path]);
      const rows = await tx.query<CatalogRow>(
        `INSERT INTO catalog (path, version, kind, name, description, content, payload)
         SELECT $1, COALESCE(MAX(version), 0) + 1, $2, $3, $4, $5, $6::jsonb FROM catalog WHERE path = $1
         RETURNING ${COLUMNS}`,
        [input.path, input.kind, input.name, input.description, input.content, JSON.stringify(input.payload)],
      );
      return toRecord(rows[0]!);
    });
  }

  async latest(path: string): Promise<CatalogRecord | undefined> {
    const rows = await this.db.query<CatalogRow>(
      `SELECT ${COLUMNS} FROM catalog WHERE path = $1 ORDER BY version DESC LIMIT 1`,
      [path],
    );
    return rows[0] && toRecord(rows[0]);
  }

  async get(path: string, version: number): Promise<CatalogRecord | undefined> {
    const rows = await this.db.query<CatalogRow>(
      `SELECT ${COLUMNS} FROM catalog WHERE path = $1 AND version = $2`,
      [path, version],
    );
    return rows[0] && toRecord(rows[0]);
  }

  async byId(catalogId: string): Promise<CatalogRecord | undefined> {
    // Catalog ids are positive 64-bit integers; anything else names no entry.
    if (!/^[1-9][0-9]{0,18}$/.test(catalogId) || BigInt(catalogId) > 9_223_372_036_854_775_807n)
      return undefined;
    const rows = await this.db.query<CatalogRow>(
      `SELECT ${COLUMNS} FROM catalog WHERE catalog_id = $1::bigint`,
      [catalogId],
    );
    return rows[0] && toRecord(rows[0]);
  }

  /** Entries newest first (NoETL's order): every version, or the latest of each path; optionally of one path. */
  async list(options: { path?: string; allVersions?: boolean; kind?: string }): Promise<CatalogRecord[]> {
    const params: unknown[] = [options.path ?? null, options.kind ?? null];
    const where = 'WHERE ($1::text IS NULL OR path = $1) AND ($2::text IS NULL OR lower(kind) = lower($2))';
    const sql = options.allVersions
      ? `SELECT ${COLUMNS} FROM catalog ${where} ORDER BY created_at DESC, catalog_id DESC`
      : `SELECT * FROM (SELECT DISTINCT ON (path) ${COLUMNS} FROM catalog ${where} ORDER BY path, version DESC) latest
         ORDER BY created_at DESC, catalog_id DESC`;
    return (await this.db.query<CatalogRow>(sql, params)).map(toRecord);
  }
}
