/**
 * Tables of the Actions API. Append {@link ACTIONS_MIGRATION} to the engine's migration list; its statements
 * are idempotent, so a database that already has them is left as it is.
 */
export const ACTIONS_MIGRATION = {
  version: 100,
  name: 'actions, action status log, type instances',
  sql: `
    CREATE TABLE IF NOT EXISTS actions (
      name TEXT PRIMARY KEY,
      uid TEXT NOT NULL UNIQUE,
      phase TEXT NOT NULL,
      path TEXT NOT NULL,
      document JSONB NOT NULL,
      internal JSONB NOT NULL,
      created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
    );
    CREATE INDEX IF NOT EXISTS actions_phase_idx ON actions (phase);
    CREATE TABLE IF NOT EXISTS action_status_log (
      id BIGSERIAL PRIMARY KEY,
      uid TEXT NOT NULL,
      name TEXT NOT NULL,
      seq INTEGER NOT NULL,
      payload JSONB NOT NULL,
      published BOOLEAN NOT NULL DEFAULT false,
      created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      UNIQUE (uid, seq)
    );
    CREATE INDEX IF NOT EXISTS action_status_unpublished_idx ON action_status_log (id) WHERE NOT published;
    CREATE TABLE IF NOT EXISTS type_instances (
      id TEXT PRIMARY KEY,
      type_path TEXT NOT NULL,
      type_revision TEXT NOT NULL,
      value JSONB,
      created_at TIMESTAMPTZ NOT NULL DEFAULT now()
    );
    CREATE INDEX IF NOT EXISTS type_instances_type_idx ON type_instances (type_path, type_revision);
  `,
} as const;
