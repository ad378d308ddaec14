import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngineClient, type EngineClient } from '@switchyard/engine-client';
import {
  connectNats,
  createEventPublisher,
  ensureExecutionStream,
  type NatsConnection,
} from '@switchyard/execution-events';
import { startNats, type TestNats } from '@switchyard/testing';
import { AuthPlaybooks } from './auth-playbooks.js';

/**
 * The gateway in front of a NoETL 2.5 server: no `POST /api/run/sync` (FastAPI's 404 `{"detail": "Not Found"}`),
 * so an auth playbook starts with NoETL's `POST /api/execute` and its result comes from the terminal event on NATS.
 * The stand-in server answers as NoETL's `v2.py` does and publishes the execution's events on a real NATS.
 */
let nats: TestNats;
let nc: NatsConnection;
let server: Server;
let engine: EngineClient;
const requests: string[] = [];
let executed = 0;

beforeAll(async () => {
  nats = await startNats();
  nc = await connectNats(nats.url);
  await ensureExecutionStream(nc, { storage: 'memory' });
  const publisher = createEventPublisher(nc);
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      requests.push(`${req.method} ${req.url}`);
      res.setHeader('content-type', 'application/json');
      if (req.method === 'POST' && req.url === '/api/execute') {
        const { payload } = JSON.parse(body) as { payload: { session_token?: string } };
        const executionId = String(9_000 + ++executed);
        res.end(JSON.stringify({ execution_id: executionId, status: 'started', commands_generated: 1 }));
        const base = { executionId, timestamp: new Date().toISOString() };
        void publisher
          .publish({
            ...base,
            eventId: `${executionId}-1`,
            seq: 1,
            type: 'playbook.initialized',
            status: 'INITIALIZED',
          })
          .then(() =>
            publisher.publish({
              ...base,
              eventId: `${executionId}-2`,
              seq: 2,
              type: 'playbook.completed',
              status: 'COMPLETED',
              result: {
                valid: payload.session_token === 'good',
                user: { user_id: 7, email: 'a@example.com' },
              },
            }),
          );
        return;
      }
      res.statusCode = 404;
      res.end(JSON.stringify({ detail: 'Not Found' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  engine = createEngineClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
});

afterAll(async () => {
  await engine?.close();
  await new Promise((resolve) => server?.close(resolve));
  await nc?.close();
  await nats?.stop();
});

describe('auth playbooks in front of a NoETL 2.5 server', () => {
  it('fall back from /api/run/sync to /api/execute and the terminal event on NATS, once detected', async () => {
    const auth = new AuthPlaybooks({ engine, timeoutMs: 10_000, nats: () => nc });
    const first = await auth.validateSession('good');
    expect(first).toMatchObject({ valid: true, user: { user_id: '7', email: 'a@example.com' } });
    const second = await auth.validateSession('bad');
    expect(second.valid).toBe(false);
    // The missing route is asked once, then remembered.
    expect(requests.filter((r) => r === 'POST /api/run/sync')).toHaveLength(1);
    expect(requests.filter((r) => r === 'POST /api/execute')).toHaveLength(2);
  });

  it('without NATS the missing route is an upstream failure', async () => {
    const auth = new AuthPlaybooks({ engine, timeoutMs: 2_000 });
    await expect(auth.validateSession('good')).rejects.toMatchObject({ code: 'ENGINE_ERROR' });
  });
});
