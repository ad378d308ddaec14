import { startPostgres } from '@switchyard/testing';
import type { TestPostgres } from '@switchyard/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostgresSettings } from '../settings.js';
import type { ToolCall, ToolCredential } from '../tool-call.js';
import { toolCall, toolFailure } from '../test-fixtures/tool-call-fixtures.js';
import { runPostgresTool } from './postgres-tool.js';

const settings: PostgresSettings = { statementTimeoutMs: 5_000, connectTimeoutMs: 5_000, maxRows: 100 };

describe('postgres tool', () => {
  let postgres: TestPostgres;
  let credential: ToolCredential;

  const call = (config: Record<string, unknown>, extra: Partial<ToolCall> = {}): ToolCall =>
    toolCall({ kind: 'postgres', config, step: 'sql', credential, ...extra });

  async function sleepingBackends(): Promise<number> {
    const client = new pg.Client({ connectionString: postgres.url });
    await client.connect();
    try {
      const res = await client.query(
        "select count(*)::int as n from pg_stat_activity where query like 'select pg_sleep%' and state = 'active'",
      );
      return (res.rows[0] as { n: number }).n;
    } finally {
      await client.end();
    }
  }

  beforeAll(async () => {
    postgres = await startPostgres();
    credential = { name: 'warehouse', type: 'postgres', data: { connection_string: postgres.url } };
  });

  afterAll(async () => {
    await postgres?.stop();
  });

  it('refuses to run without a named credential', async () => {
    const error = await toolFailure(
      runPostgresTool(call({ command: 'select 1' }, { credential: undefined }), settings),
    );
    expect(error.code).toBe('CREDENTIAL_REQUIRED');
    expect(error.message).toContain('auth:');
  });

  it('runs several statements and keeps the command_N result shape', async () => {
    const result = await runPostgresTool(
      call({
        command:
          "create table if not exists items (id int primary key, name text); delete from items; insert into items values (1, 'a'), (2, 'b'); select id, name from items order by id",
      }),
      settings,
    );
    expect(result).toMatchObject({
      command_0: { rows: [], row_count: 0, status: 'success' },
      command_2: { rows: [], row_count: 2, status: 'success' },
      command_3: {
        rows: [
          { id: 1, name: 'a' },
          { id: 2, name: 'b' },
        ],
        columns: ['id', 'name'],
        row_count: 2,
      },
    });
  });

  it('binds params in a query', async () => {
    const result = await runPostgresTool(
      call({ query: 'select $1::int + $2::int as total', params: [2, 3] }),
      settings,
    );
    expect(result).toEqual({
      command_0: { rows: [{ total: 5 }], columns: ['total'], row_count: 1, status: 'success' },
    });
  });

  it('connects from host/port/user/database fields', async () => {
    const url = new URL(postgres.url);
    const fields: ToolCredential = {
      name: 'fields',
      type: 'postgres',
      data: {
        host: url.hostname,
        port: Number(url.port),
        user: decodeURIComponent(url.username),
        password: decodeURIComponent(url.password),
        database: url.pathname.slice(1),
      },
    };
    const result = await runPostgresTool(
      call({ query: 'select 1 as one' }, { credential: fields }),
      settings,
    );
    expect(result).toMatchObject({ command_0: { rows: [{ one: 1 }] } });
  });

  it('sets statement_timeout on the connection by default', async () => {
    const shown = await runPostgresTool(call({ query: 'show statement_timeout' }), {
      ...settings,
      statementTimeoutMs: 1_234,
    });
    expect(shown).toMatchObject({ command_0: { rows: [{ statement_timeout: '1234ms' }] } });
    const error = await toolFailure(
      runPostgresTool(call({ query: 'select pg_sleep(1000)' }), { ...settings, statementTimeoutMs: 200 }),
    );
    expect(error.code).toBe('POSTGRES_TIMEOUT');
  });

  it('cancels the running statement when the step is aborted', async () => {
    const controller = new AbortController();
    const pending = runPostgresTool(call({ query: 'select pg_sleep(1000)' }, { signal: controller.signal }), {
      ...settings,
      statementTimeoutMs: 600_000,
    });
    setTimeout(() => controller.abort(), 300);
    expect((await toolFailure(pending)).code).toBe('ABORTED');
    expect(await sleepingBackends()).toBe(0);
  });

  it('fails past the row cap instead of buffering everything', async () => {
    const error = await toolFailure(
      runPostgresTool(call({ query: 'select generate_series(1, 100000) as n' }), settings),
    );
    expect(error.code).toBe('ROW_LIMIT');
    const within = await runPostgresTool(call({ query: 'select generate_series(1, 100) as n' }), settings);
    expect(within).toMatchObject({ command_0: { row_count: 100 } });
  });

  it('reports SQL errors with their SQLSTATE', async () => {
    const error = await toolFailure(
      runPostgresTool(call({ command: 'select * from no_such_table' }), settings),
    );
    expect(error.code).toBe('POSTGRES_ERROR');
    expect(error.message).toContain('42P01');
  });
});
