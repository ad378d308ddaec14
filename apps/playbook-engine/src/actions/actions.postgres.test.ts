import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActionsClient, isEngineError, type ActionsClient } from '@switchyard/engine-client';
import { startNats, startPostgres, waitFor, type TestNats, type TestPostgres } from '@switchyard/testing';
import { startEngine, yaml, type RunningEngine } from '../test-fixtures/harness.js';

/** The Action lifecycle against a real Postgres, through the typed client. */

let nats: TestNats;
let postgres: TestPostgres;
let eng: RunningEngine;
let client: ActionsClient;

beforeAll(async () => {
  [nats, postgres] = await Promise.all([startNats(), startPostgres()]);
  eng = await startEngine({ natsUrl: nats.url, env: { DATABASE_URL: postgres.url } });
  client = createActionsClient({ baseUrl: eng.url, token: eng.token });
  await eng.client.registerPlaybook(yaml`
    apiVersion: noetl.io/v2
    kind: Playbook
    metadata:
      name: pg_hello
      path: actions/pg_hello
      input:
        parameters: { type: object, properties: { who: { type: string, minLength: 2 } } }
    workflow:
      - step: start
        next: greet
      - step: greet
        tool: { kind: noop, result: 'hello {{ workload.who }}' }
        next: end
      - step: end
  `);
}, 120_000);

afterAll(async () => {
  await client?.close();
  await eng?.stop();
  await postgres?.stop();
  await nats?.stop();
});

async function phase(name: string, expected: string): Promise<void> {
  await waitFor(
    `Action ${name} in ${expected}`,
    async () => (await client.getAction(name)).status.phase === expected,
    {
      timeoutMs: 20_000,
    },
  );
}

describe('Actions on Postgres', () => {
  it('renders, runs to SUCCEEDED, refuses a second run and deletes', async () => {
    await client.createAction({
      name: 'pg-basic',
      actionRef: { path: 'actions/pg_hello' },
      input: { parameters: { who: 'pg' } },
    });
    await phase('pg-basic', 'READY_TO_RUN');
    const running = await client.runAction('pg-basic', { user: { username: 'ada' } });
    expect(running.status.phase).toBe('RUNNING');
    await phase('pg-basic', 'SUCCEEDED');
    const refused = await client.runAction('pg-basic').catch((error: unknown) => error);
    expect(isEngineError(refused) && refused.status === 409 && refused.code === 'INVALID_ACTION_STATE').toBe(
      true,
    );
    expect((await client.listActions({ phase: 'SUCCEEDED' })).actions.map((a) => a.name)).toEqual([
      'pg-basic',
    ]);
    expect((await client.deleteAction('pg-basic')).name).toBe('pg-basic');
  });

  it('fails rendering on parameters that break metadata.input', async () => {
    await client.createAction({
      name: 'pg-bad',
      actionRef: { path: 'actions/pg_hello' },
      input: { parameters: { who: 'x' } },
    });
    await phase('pg-bad', 'FAILED');
    expect((await client.getAction('pg-bad')).status.message).toBe(
      'playbook actions/pg_hello: invalid parameters: /who must have at least 2 characters',
    );
  });
});
