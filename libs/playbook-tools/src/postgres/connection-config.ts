import type pg from 'pg';
import type { PostgresSettings } from '../settings.js';
import type { ToolCredential } from '../tool-call.js';
import { ToolError } from '../tool-error.js';

/**
 * pg client settings from the step's credential: `connection_string` / `url` / `dsn`, or `host`,
 * `port`, `user` (`username`), `password`, `database` (`dbname`), plus the tool's timeouts.
 */
export function connectionConfig(
  credential: ToolCredential | undefined,
  settings: PostgresSettings,
): pg.ClientConfig {
  if (!credential)
    throw new ToolError(
      'CREDENTIAL_REQUIRED',
      "postgres tool: name a credential with `auth: <credential name>`; steps never run on the engine's own database",
    );
  const data = credential.data;
  const timeouts = {
    connectionTimeoutMillis: settings.connectTimeoutMs,
    statement_timeout: settings.statementTimeoutMs,
    application_name: 'switchyard-playbook-step',
  };
  const direct = data.connection_string ?? data.url ?? data.dsn;
  if (typeof direct === 'string' && direct !== '') return { connectionString: direct, ...timeouts };
  if (data.host === undefined && data.database === undefined && data.dbname === undefined)
    throw new ToolError(
      'CREDENTIAL_INVALID',
      `postgres tool: credential "${credential.name}" has neither a connection_string nor host/database`,
    );
  return {
    host: String(data.host ?? '127.0.0.1'),
    port: Number(data.port ?? 5432),
    user: String(data.user ?? data.username ?? 'postgres'),
    ...(data.password !== undefined ? { password: String(data.password) } : {}),
    database: String(data.database ?? data.dbname ?? 'postgres'),
    ...timeouts,
  };
}
