import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startNats, type TestNats } from './nats.js';
import { startPostgres, type TestPostgres } from './postgres.js';

describe('startNats', () => {
  let nats: TestNats | undefined;
  afterAll(async () => nats?.stop());

  it('publishes to JetStream and reads the message back, also after a restart', async () => {
    nats = await startNats();
    const nc = await connect({ servers: nats.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'TEST', subjects: ['test.>'] });
    const js = jetstream(nc);
    const ack = await js.publish('test.one', 'hello', { msgID: 'm1' });
    expect(ack.seq).toBe(1);

    const reconnected = (async () => {
      for await (const status of nc.status()) if (status.type === 'reconnect') return true;
      return false;
    })();
    await nats.pause();
    await nats.resume();
    expect(await reconnected).toBe(true);

    const stored = await jsm.streams.getMessage('TEST', { seq: 1 });
    expect(stored?.string()).toBe('hello');
    expect(stored?.subject).toBe('test.one');
    await nc.close();
  });
});

describe('startPostgres', () => {
  let postgres: TestPostgres | undefined;
  afterAll(async () => postgres?.stop());

  it('accepts connections and runs a query', async () => {
    postgres = await startPostgres();
    const client = new pg.Client({ connectionString: postgres.url });
    await client.connect();
    await client.query('create table t (id int primary key, name text)');
    await client.query("insert into t values (1, 'one'), (2, 'two')");
    const { rows } = await client.query('select name from t order by id');
    expect(rows.map((r: { name: string }) => r.name)).toEqual(['one', 'two']);
    const version = await client.query('show server_version');
    expect(Number.parseInt(String(version.rows[0].server_version), 10)).toBeGreaterThanOrEqual(14);
    await client.end();
  });
});
