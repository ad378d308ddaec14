import { ACTIONS_MIGRATION } from '../actions/migration.js';
import { NOETL_REST_MIGRATION } from './noetl-migration.js';
import type { Database } from './database.js';
import { OWNERS_MIGRATION } from './owners-migration.js';

/** The engine's schema, one entry per version; the same SQL runs on Postgres and PGlite. */
export const MIGRATIONS: ReadonlyArray<{ version: number; name: string; sql: string }> = [
  {
    version: 1,
    name: 'catalog, executions, events, credentials',
    sql: `
      CREATE TABLE catalog (
        catalog_id BIGSERIAL PRIMARY KEY,
        path TEXT NOT NULL,
        version INTEGER NOT NULL,
        kind TEXT NOT NULL,
        name TEXT,
        description TEXT,
        content TEXT NOT NULL,
        payload JSONB NOT NULL,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        UNIQUE (path, version)
      );
      CREATE TABLE executions (
        execution_id TEXT PRIMARY KEY,
        path TEXT NOT NULL,
        version INTEGER NOT NULL,
        catalog_id BIGINT NOT NULL REFERENCES catalog (catalog_id),
        parent_execution_id TEXT,
        status TEXT NOT NULL,
        args JSONB NOT NULL DEFAULT '{}'::jsonb,
        result JSONB,
        error TEXT,
        last_seq INTEGER NOT NULL DEFAULT 0,
        owner TEXT,
        lease_until TIMESTAMPTZ,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        started_at TIMESTAMPTZ,
        ended_at TIMESTAMPTZ,
        updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
      );
      CREATE INDEX executions_parent_idx ON executions (parent_execution_id);
      CREATE INDEX executions_status_idx ON executions (status);
      CREATE INDEX executions_created_idx ON executions (created_at DESC);
      CREATE TABLE events (
        id BIGSERIAL PRIMARY KEY,
        event_id TEXT NOT NULL UNIQUE,
        execution_id TEXT NOT NULL REFERENCES executions (execution_id),
        seq INTEGER NOT NULL,
        type TEXT NOT NULL,
        status TEXT NOT NULL,
        step TEXT,
        payload JSONB NOT NULL,
        published BOOLEAN NOT NULL DEFAULT false,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        UNIQUE (execution_id, seq)
      );
      CREATE INDEX events_unpublished_idx ON events (id) WHERE NOT published;
      CREATE TABLE credentials (
        name TEXT PRIMARY KEY,
        type TEXT NOT NULL,
        description TEXT,
        data_encrypted TEXT NOT NULL,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
      );
    `,
  },
  {
    version: 2,
    name: 'users, roles, sessions, playbook permissions',
    sql: `
      CREATE TABLE auth_users (
        user_id BIGSERIAL PRIMARY KEY,
        subject TEXT NOT NULL UNIQUE,
        email TEXT,
        display_name TEXT,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        last_login_at TIMESTAMPTZ
      );
      CREATE TABLE auth_roles (
        role_id SERIAL PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        description TEXT
      );
      CREATE TABLE auth_user_roles (
        user_id BIGINT NOT NULL REFERENCES auth_users (user_id) ON DELETE CASCADE,
        role_id INTEGER NOT NULL REFERENCES auth_roles (role_id) ON DELETE CASCADE,
        PRIMARY KEY (user_id, role_id)
      );
      CREATE TABLE auth_sessions (
        session_id BIGSERIAL PRIMARY KEY,
        token_hash TEXT NOT NULL UNIQUE,
        user_id BIGINT NOT NULL REFERENCES auth_users (user_id) ON DELETE CASCADE,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        expires_at TIMESTAMPTZ NOT NULL,
        revoked_at TIMESTAMPTZ,
        client_ip TEXT,
        client_user_agent TEXT
      );
      CREATE TABLE auth_playbook_permissions (
        permission_id SERIAL PRIMARY KEY,
        role_id INTEGER NOT NULL REFERENCES auth_roles (role_id) ON DELETE CASCADE,
        playbook_path TEXT NOT NULL,
        permission_type TEXT NOT NULL,
        allow BOOLEAN NOT NULL DEFAULT true
      );
      INSERT INTO auth_roles (name, description) VALUES
        ('admin', 'every permission on every playbook'),
        ('user', 'default role of a new user');
      INSERT INTO auth_playbook_permissions (role_id, playbook_path, permission_type, allow)
        SELECT role_id, '*', '*', true FROM auth_roles WHERE name = 'admin';
      INSERT INTO auth_playbook_permissions (role_id, playbook_path, permission_type, allow)
        SELECT role_id, p.path, p.perm, p.allow FROM auth_roles,
          (VALUES ('*', 'view', true), ('examples/*', 'execute', true), ('api_integration/*', '*', false),
                  ('admin/*', '*', false)) AS p(path, perm, allow)
        WHERE name = 'user';
    `,
  },
  ACTIONS_MIGRATION,
  OWNERS_MIGRATION,
  NOETL_REST_MIGRATION,
];

/** Applies pending migrations; a lock makes concurrent engine starts on one database safe. */
export async function migrate(db: Database): Promise<number[]> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(727274)');
    await tx.query(
      'CREATE TABLE IF NOT EXISTS engine_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())',
    );
    const done = new Set(
      (await tx.query<{ version: number }>('SELECT version FROM engine_migrations')).map((r) =>
        Number(r.version),
      ),
    );
    const applied: number[] = [];
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      for (const statement of splitStatements(m.sql)) await tx.query(statement);
      await tx.query('INSERT INTO engine_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      applied.push(m.version);
    }
    return applied;
  });
}

/** Splits a migration on top-level semicolons (migrations contain no functions or quoted semicolons). */
function splitStatements(sql: string): string[] {
  return sql
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter(Boolean);
}
