import { fileURLToPath } from 'node:url';
import { canConnect, startChildApp, waitFor } from '@switchyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpError } from './http-error.js';
import { createService, type Service } from './service.js';

describe('createService', () => {
  let service: Service;
  let base: string;
  let healthy = true;

  beforeAll(async () => {
    service = createService({
      name: 'kit-test',
      port: 0,
      host: '127.0.0.1',
      bodyLimit: '1kb',
      readiness: {
        upstream: () => {
          if (!healthy) throw new Error('upstream refused the connection');
        },
      },
    });
    service.app.post('/echo', (req, res) => res.json(req.body));
    service.app.get('/teapot', () => {
      throw new HttpError(418, 'TEAPOT', 'I am a teapot', { hint: 'use a kettle' });
    });
    service.app.get('/boom', () => {
      throw new Error('secret internal detail');
    });
    base = (await service.listen()).url;
  });
  afterAll(() => service.shutdown());

  it('answers 413 with the JSON error shape when the body is over the limit', async () => {
    const res = await fetch(`${base}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ data: 'x'.repeat(2048) }),
    });
    expect(res.status).toBe(413);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(body.error.message).toMatch(/limit of 1024 bytes/);
  });

  it('accepts a body within the limit', async () => {
    const res = await fetch(`${base}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ok: 1 }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: 1 });
  });

  it('answers malformed JSON with 400 INVALID_JSON', async () => {
    const res = await fetch(`${base}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"unclosed": ',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('INVALID_JSON');
  });

  it('uses { error: { code, message, details } } for thrown HttpErrors, 404s and 500s', async () => {
    const teapot = await fetch(`${base}/teapot`);
    expect(teapot.status).toBe(418);
    expect(await teapot.json()).toEqual({
      error: { code: 'TEAPOT', message: 'I am a teapot', details: { hint: 'use a kettle' } },
    });
    const missing = await fetch(`${base}/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'No route for GET /nope' } });
    const boom = await fetch(`${base}/boom`);
    expect(boom.status).toBe(500);
    const text = await boom.text();
    expect(JSON.parse(text)).toEqual({ error: { code: 'INTERNAL_ERROR', message: 'Internal server error' } });
    expect(text).not.toContain('secret');
  });

  it('echoes a valid x-request-id and creates one otherwise', async () => {
    const given = await fetch(`${base}/health`, { headers: { 'x-request-id': 'abc-123' } });
    expect(given.headers.get('x-request-id')).toBe('abc-123');
    const made = await fetch(`${base}/health`, { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('reports readiness from its checks', async () => {
    const ok = await fetch(`${base}/ready`);
    expect(ok.status).toBe(200);
    healthy = false;
    const bad = await fetch(`${base}/ready`);
    expect(bad.status).toBe(503);
    expect(await bad.json()).toMatchObject({
      status: 'not_ready',
      checks: { upstream: { ok: false, error: 'upstream refused the connection' } },
    });
    healthy = true;
  });

  it('exposes Prometheus metrics with request counts by route', async () => {
    await fetch(`${base}/teapot`);
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toMatch(
      /http_requests_total\{method="GET",route="\/teapot",status="418",service="kit-test"\} \d+/,
    );
    expect(text).toContain('http_request_duration_seconds_bucket');
    expect(text).toContain('process_cpu_user_seconds_total');
  });
});

describe('graceful shutdown', () => {
  it('finishes an in-flight request after SIGTERM, refuses new connections, then exits 0', async () => {
    const entry = fileURLToPath(new URL('./test-fixtures/slow-service.ts', import.meta.url));
    const app = await startChildApp({ entry, readyPath: '/health', env: { LOG_LEVEL: 'info' } });
    const inFlight = fetch(`${app.url}/slow?ms=1000`).then(async (res) => ({
      status: res.status,
      body: await res.json(),
    }));
    await waitFor('the slow request to reach the handler', async () =>
      app.process.output().includes('slow request started'),
    );
    app.process.child.kill('SIGTERM');
    await waitFor('the listener to close', async () => !(await canConnect(app.port)), { timeoutMs: 5_000 });
    expect(await inFlight).toEqual({ status: 200, body: { done: true } });
    expect(await app.process.exited).toBe(0);
    expect(app.process.output()).toContain('closers ran');
  });
});

describe('shutdown with WebSocket clients', () => {
  it('closes tracked WebSocket connections with 1001 and runs closers', async () => {
    const { WebSocket, WebSocketServer } = await import('ws');
    const service = createService({ name: 'ws-test', port: 0, host: '127.0.0.1' });
    const wss = new WebSocketServer({ server: service.server, path: '/ws' });
    service.trackSocketServer(wss);
    let closed = false;
    service.onShutdown(() => {
      closed = true;
    });
    const { port } = await service.listen();
    const client = new WebSocket(`ws://127.0.0.1:${port}/ws`);
    await new Promise((resolve, reject) => client.once('open', resolve).once('error', reject));
    const closeCode = new Promise<number>((resolve) => client.once('close', (code) => resolve(code)));
    await service.shutdown('test');
    expect(await closeCode).toBe(1001);
    expect(closed).toBe(true);
    expect(service.server.listening).toBe(false);
  });
});
