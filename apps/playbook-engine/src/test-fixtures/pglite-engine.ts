import type { NatsConnection } from '@nats-io/transport-node';
import { startNats, type TestNats } from '@switchyard/testing';
import { openPglite, type Database } from '../storage/database.js';
import { natsClient, startEngine, type RunningEngine } from './harness.js';

/** A real NATS, an in-memory PGlite store and the engine in-process on them, with a NATS connection for the test. */
export interface EngineOnPglite {
  nats: TestNats;
  nc: NatsConnection;
  db: Database;
  eng: RunningEngine;
  /** Stops the engine, then closes the NATS connection and the store, then stops NATS. */
  stop(): Promise<void>;
}

export async function startEngineOnPglite(env: Record<string, string> = {}): Promise<EngineOnPglite> {
  const [nats, db] = await Promise.all([startNats(), openPglite(':memory:')]);
  let nc: NatsConnection | undefined;
  let eng: RunningEngine | undefined;
  const stop = async () => {
    await eng?.stop();
    await nc?.close();
    await db.close();
    await nats.stop();
  };
  try {
    nc = await natsClient(nats.url);
    eng = await startEngine({ natsUrl: nats.url, database: db, env });
    return { nats, nc, db, eng, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
