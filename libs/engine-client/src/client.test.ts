import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getFreePort } from '@switchyard/testing';
import type { EngineError } from './index.js';
import { createEngineClient, isEngineError, isEngineUnavailable, runPlaybookRequestSchema } from './index.js';

let server: Server;
let base: string;

beforeAll(async () => {
  // A real HTTP server whose answers depend on the path, to exercise each error kind of the client.
  server = createServer((req, res) => {
    if (req.url === '/api/health') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          status: 'ok',
          service: 'playbook-engine',
          nats: 'connected',
          storage: 'pglite',
          unpublished_events: 0,
        }),
      );
    } else if (req.url?.startsWith('/api/executions/')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"unexpected": true}');
    } else {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ error: { code: 'NOT_FOUND', message: `No route for ${req.method} ${req.url}` } }),
      );
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe('engine client', () => {
  it('parses a valid answer', async () => {
    const client = createEngineClient({ baseUrl: base });
    expect(await client.health()).toMatchObject({ status: 'ok', storage: 'pglite' });
    await client.close();
  });

  it('turns an HTTP error into EngineError with status, body and code', async () => {
    const client = createEngineClient({ baseUrl: base });
    const error = await client.runPlaybook({ path: 'x' }).catch((e: unknown) => e);
    expect(isEngineError(error)).toBe(true);
    const e = error as EngineError;
    expect(e).toMatchObject({ kind: 'http', status: 404 });
    expect(e.code).toBe('NOT_FOUND');
    expect(e.message).toMatch(/No route for POST \/api\/run\/playbook/);
    expect(isEngineUnavailable(e)).toBe(false);
    await client.close();
  });

  it('reports a body that does not match the schema as bad_response', async () => {
    const client = createEngineClient({ baseUrl: base });
    const error = (await client.getExecutionStatus('1').catch((e: unknown) => e)) as EngineError;
    expect(error.kind).toBe('bad_response');
    expect(error.body).toEqual({ unexpected: true });
    await client.close();
  });

  it('reports a connection failure as unavailable', async () => {
    const port = await getFreePort();
    const client = createEngineClient({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 2_000 });
    const error = (await client.health().catch((e: unknown) => e)) as EngineError;
    expect(isEngineUnavailable(error)).toBe(true);
    expect(error.status).toBe(0);
    expect(error.unavailable).toBe(true);
    await client.close();
  });

  it('exports the request schemas the engine validates with', () => {
    expect(runPlaybookRequestSchema.safeParse({ path: 'a/b', args: { x: 1 } }).success).toBe(true);
    // Unknown keys are ignored, as NoETL's pydantic models ignore them; an identifier is required.
    expect(runPlaybookRequestSchema.safeParse({ path: 'a/b', extra: 1 }).success).toBe(true);
    expect(runPlaybookRequestSchema.safeParse({ args: {} }).success).toBe(false);
    expect(runPlaybookRequestSchema.safeParse({ path: 'a/b', version: 'latest', merge: true }).success).toBe(
      true,
    );
  });
});
