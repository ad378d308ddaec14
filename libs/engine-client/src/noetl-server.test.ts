import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngineClient, executionEventsOf, isMissingRoute, type EngineError } from './index.js';

/**
 * A stand-in for a NoETL 2.5 server on 127.0.0.1: FastAPI's `{"detail": "Not Found"}` for routes it lacks, a bare
 * execution list without paging, NoETL event rows. The answers follow NoETL's endpoint code.
 */
let server: Server;
let base: string;
const requests: string[] = [];

const entry = (id: string, status: string, path = 'p/a') => ({
  execution_id: id,
  catalog_id: '1',
  path,
  version: 1,
  status,
  start_time: '2026-11-29T00:00:00Z',
  end_time: null,
  progress: 0,
  result: null,
  error: null,
  parent_execution_id: null,
});

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'GET' && req.url?.startsWith('/api/executions?')) {
      send(200, [entry('3', 'RUNNING'), entry('2', 'COMPLETED'), entry('1', 'COMPLETED', 'p/b')]);
    } else if (req.method === 'GET' && req.url === '/api/executions/2') {
      send(200, {
        execution_id: '2',
        path: 'p/a',
        status: 'COMPLETED',
        start_time: '2026-11-29T00:00:00Z',
        end_time: '2026-11-29T00:00:01Z',
        parent_execution_id: null,
        events: [
          {
            event_id: '10',
            event_type: 'playbook.initialized',
            node_name: 'p/a',
            status: 'STARTED',
            timestamp: 't1',
            execution_id: '2',
          },
          {
            event_id: '11',
            event_type: 'command.issued',
            node_name: 'start',
            status: 'PENDING',
            timestamp: 't2',
            execution_id: '2',
          },
          {
            event_id: '12',
            event_type: 'step.exit',
            node_name: 'start',
            status: 'COMPLETED',
            timestamp: 't3',
            execution_id: '2',
            result: { ok: 1 },
          },
          {
            event_id: '13',
            event_type: 'playbook.completed',
            node_name: 'p/a',
            status: 'COMPLETED',
            timestamp: 't4',
            execution_id: '2',
            result: { done: true },
          },
        ],
      });
    } else if (req.method === 'GET' && req.url?.startsWith('/api/executions/')) {
      send(404, { detail: 'Execution 9 not found' });
    } else {
      send(404, { detail: 'Not Found' });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe('engine client against a NoETL 2.5 server', () => {
  it('filters and pages a bare execution list itself when the server sends no x-total-count', async () => {
    const client = createEngineClient({ baseUrl: base });
    const page = await client.listExecutions({ status: 'COMPLETED', limit: 1, offset: 0 });
    expect(page.total).toBe(2);
    expect(page.executions.map((e) => e.execution_id)).toEqual(['2']);
    await client.close();
  });

  it('falls back from the batch route (ours) to one request per execution, leaving out unknown ids', async () => {
    const client = createEngineClient({ baseUrl: base });
    requests.length = 0;
    const { executions } = await client.getExecutions(['2', '9']);
    expect(executions.map((e) => e.execution_id)).toEqual(['2']);
    await client.getExecutions(['2']);
    // The missing batch route is asked once, then remembered.
    expect(requests.filter((r) => r === 'POST /api/executions/batch')).toHaveLength(1);
    await client.close();
  });

  it('rebuilds our events from NoETL event rows, keeping the types it knows', async () => {
    const client = createEngineClient({ baseUrl: base });
    const events = executionEventsOf(await client.getExecution('2'));
    expect(events.map((e) => [e.seq, e.type, e.step])).toEqual([
      [1, 'playbook.initialized', 'p/a'],
      [2, 'step.exit', 'start'],
      [3, 'playbook.completed', 'p/a'],
    ]);
    expect(events[2]!.result).toEqual({ done: true });
    await client.close();
  });

  it('tells a missing route from a missing execution', async () => {
    const client = createEngineClient({ baseUrl: base });
    const missingRoute = await client.runSync({ path: 'x' }).catch((e: unknown) => e);
    expect(isMissingRoute(missingRoute)).toBe(true);
    const missingExecution = (await client.getExecution('9').catch((e: unknown) => e)) as EngineError;
    expect(missingExecution.status).toBe(404);
    expect(isMissingRoute(missingExecution)).toBe(false);
    expect(missingExecution.message).toMatch(/Execution 9 not found/);
    await client.close();
  });
});
