import pg from 'pg';
import type { PostgresSettings } from '../settings.js';
import type { ToolCall } from '../tool-call.js';
import { ToolError } from '../tool-error.js';
import { cappedQuery } from './capped-query.js';
import type { StatementResult } from './capped-query.js';
import { connectionConfig } from './connection-config.js';

function shape(results: StatementResult[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  results.forEach((r, i) => {
    out[`command_${i}`] = { rows: r.rows, columns: r.columns, row_count: r.rowCount, status: 'success' };
  });
  return out;
}

/** Asks the server to cancel the running statement, over a second connection with the same settings. */
async function cancelBackend(config: pg.ClientConfig, pid: number | undefined): Promise<void> {
  if (!pid) return;
  const canceller = new pg.Client(config);
  try {
    await canceller.connect();
    await canceller.query('select pg_cancel_backend($1)', [pid]);
  } catch {
    // the connection is closed below either way
  } finally {
    await canceller.end().catch(() => undefined);
  }
}

function translate(error: unknown, settings: PostgresSettings, aborted: boolean): ToolError {
  if (error instanceof ToolError) return error;
  if (aborted) return new ToolError('ABORTED', 'postgres tool: stopped');
  const e = error as { code?: string; message?: string };
  if (e.code === '57014')
    return new ToolError(
      'POSTGRES_TIMEOUT',
      `postgres tool: the statement ran past the statement_timeout of ${settings.statementTimeoutMs} ms`,
    );
  if (/timeout/i.test(e.message ?? '') && !e.code)
    return new ToolError('POSTGRES_TIMEOUT', `postgres tool: ${e.message}`);
  return new ToolError(
    'POSTGRES_ERROR',
    `postgres tool: ${e.message ?? String(error)}${e.code ? ` (SQLSTATE ${e.code})` : ''}`,
    {
      cause: error,
    },
  );
}

/**
 * `postgres`: runs `command` (one or more statements) or `query` (with `params`) on the database of the
 * step's credential, never without one. `statement_timeout` is set on the connection, the step's signal
 * cancels the running statement, and at most maxRows rows are read.
 * Result: `{ command_0: { rows, columns, row_count, status } }`.
 */
export async function runPostgresTool(call: ToolCall, settings: PostgresSettings): Promise<unknown> {
  const config = connectionConfig(call.credential, settings);
  const sql = call.config.query ?? call.config.command;
  if (typeof sql !== 'string' || sql.trim() === '')
    throw new ToolError('BAD_CONFIG', 'postgres tool: command or query is required');
  const params = Array.isArray(call.config.params) ? call.config.params : undefined;
  if (call.signal.aborted) throw new ToolError('ABORTED', 'postgres tool: stopped');
  const client = new pg.Client(config);
  client.on('error', () => undefined);
  let cancelled: Promise<void> | undefined;
  const onAbort = () => {
    const pid = (client as unknown as { processID?: number }).processID;
    cancelled = cancelBackend(config, pid).finally(() => client.end().catch(() => undefined));
  };
  call.signal.addEventListener('abort', onAbort, { once: true });
  try {
    await client.connect();
    const results = await cappedQuery(client, sql, params, settings.maxRows, () => {
      void client.end().catch(() => undefined);
    });
    return shape(results);
  } catch (error) {
    throw translate(error, settings, call.signal.aborted);
  } finally {
    call.signal.removeEventListener('abort', onAbort);
    await cancelled;
    await client.end().catch(() => undefined);
  }
}
