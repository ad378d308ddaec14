/**
 * Who created what: executions, Actions and TypeInstances record the user id of the session that created them,
 * and the `admin` role gets the `view_all` and `admin` permission types by name. Runs after the Actions tables.
 */
export const OWNERS_MIGRATION = {
  version: 101,
  name: 'created_by on executions, actions and type instances; view_all and admin permissions',
  sql: `
    ALTER TABLE executions ADD COLUMN IF NOT EXISTS created_by TEXT;
    CREATE INDEX IF NOT EXISTS executions_created_by_idx ON executions (created_by, created_at DESC);
    ALTER TABLE actions ADD COLUMN IF NOT EXISTS created_by TEXT;
    CREATE INDEX IF NOT EXISTS actions_created_by_idx ON actions (created_by);
    ALTER TABLE type_instances ADD COLUMN IF NOT EXISTS created_by TEXT;
    CREATE INDEX IF NOT EXISTS type_instances_created_by_idx ON type_instances (created_by);
    INSERT INTO auth_playbook_permissions (role_id, playbook_path, permission_type, allow)
      SELECT r.role_id, '*', p.perm, true FROM auth_roles r, (VALUES ('view_all'), ('admin')) AS p(perm)
      WHERE r.name = 'admin' AND NOT EXISTS (
        SELECT 1 FROM auth_playbook_permissions x
        WHERE x.role_id = r.role_id AND x.playbook_path = '*' AND x.permission_type = p.perm);
  `,
} as const;
