import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOriginPolicy, normalizeOrigin } from './cors.js';
import { silentLogger } from './logger.js';
import { createService, type Service } from './service.js';

describe('origin policy', () => {
  it('matches normalised origins from the allow-list only', () => {
    const allowed = createOriginPolicy(['https://App.example.com/', 'http://localhost:3000']);
    expect(allowed('https://app.example.com')).toBe(true);
    expect(allowed('http://localhost:3000')).toBe(true);
    expect(allowed('http://localhost:3001')).toBe(false);
    expect(allowed('null')).toBe(false);
    expect(createOriginPolicy([])('https://app.example.com')).toBe(false);
    expect(createOriginPolicy(['*'])('https://any.example')).toBe(true);
    expect(normalizeOrigin('not a url')).toBeUndefined();
  });
});

describe('CORS in createService', () => {
  const services: Service[] = [];
  let withCredentials: string;
  let withoutCors: string;

  beforeAll(async () => {
    const a = createService({
      name: 'cors-a',
      port: 0,
      host: '127.0.0.1',
      logger: silentLogger(),
      cors: { origins: ['http://allowed.example'], credentials: true },
    });
    a.app.post('/echo', (_req, res) => {
      res.json({ ok: true });
    });
    const b = createService({ name: 'cors-b', port: 0, host: '127.0.0.1', logger: silentLogger() });
    services.push(a, b);
    withCredentials = (await a.listen()).url;
    withoutCors = (await b.listen()).url;
  });

  afterAll(async () => {
    await Promise.all(services.map((s) => s.shutdown()));
  });

  const preflight = (base: string, origin: string) =>
    fetch(`${base}/echo`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'Content-Type',
      },
    });

  it('answers an allowed preflight 204 with the echoed origin, and refuses others 403', async () => {
    const ok = await preflight(withCredentials, 'http://allowed.example');
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe('http://allowed.example');
    expect(ok.headers.get('access-control-allow-credentials')).toBe('true');
    expect(ok.headers.get('access-control-allow-headers')).toBe('content-type');
    const refused = await preflight(withCredentials, 'http://evil.example');
    expect(refused.status).toBe(403);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('CORS_ORIGIN_REFUSED');
  });

  it('adds headers to allowed simple requests only, and none when no origins are configured', async () => {
    const post = (base: string, origin: string) =>
      fetch(`${base}/echo`, {
        method: 'POST',
        headers: { origin, 'content-type': 'application/json' },
        body: '{}',
      });
    const allowed = await post(withCredentials, 'http://allowed.example');
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://allowed.example');
    expect(allowed.headers.get('access-control-expose-headers')).toContain('x-request-id');
    expect(
      (await post(withCredentials, 'http://evil.example')).headers.get('access-control-allow-origin'),
    ).toBeNull();
    const health = await fetch(`${withoutCors}/health`, { headers: { origin: 'http://allowed.example' } });
    expect(health.headers.get('access-control-allow-origin')).toBeNull();
  });
});
