/**
 * NoETL 2.5's REST needs: a numeric id, `meta` and `tags` on credentials, and a log for worker events sent to
 * `POST /api/events` (numbered from the events' own sequence, so `GET /api/event/{id}` finds either kind).
 */
export const NOETL_REST_MIGRATION = {
  version: 120,
  name: 'NoETL REST: credential id, meta and tags; reported worker events',
  sql: `
    ALTER TABLE credentials ADD COLUMN credential_id BIGSERIAL;
    ALTER TABLE credentials ADD COLUMN meta JSONB;
    ALTER TABLE credentials ADD COLUMN tags JSONB;
    CREATE UNIQUE INDEX credentials_id_idx ON credentials (credential_id);
    CREATE TABLE reported_events (
      id BIGINT PRIMARY KEY DEFAULT nextval('events_id_seq'),
      execution_id TEXT NOT NULL REFERENCES executions (execution_id),
      step TEXT NOT NULL,
      name TEXT NOT NULL,
      payload JSONB NOT NULL,
      meta JSONB,
      worker_id TEXT,
      created_at TIMESTAMPTZ NOT NULL DEFAULT now()
    );
    CREATE INDEX reported_events_execution_idx ON reported_events (execution_id);
  `,
} as const;
