import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { HttpSettings } from '../settings.js';
import type { ToolCall, ToolCredential } from '../tool-call.js';
import { toolCall, toolFailure } from '../test-fixtures/tool-call-fixtures.js';
import { runHttpTool } from './http-tool.js';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

interface TestServer {
  server: Server;
  base: string;
  hits: string[];
}

async function startServer(routes: Record<string, Handler>): Promise<TestServer> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      hits.push(path);
      const handler = routes[path];
      if (!handler) {
        res.writeHead(404).end('not found');
        return;
      }
      handler(req, res, Buffer.concat(chunks).toString('utf8'));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, base: `http://127.0.0.1:${port}`, hits };
}

const json = (res: ServerResponse, status: number, value: unknown) =>
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));

const settings: HttpSettings = { allow: [], timeoutMs: 5_000, maxResponseBytes: 64 * 1024, maxRedirects: 3 };
const allowLoopback: HttpSettings = { ...settings, allow: ['127.0.0.1'] };

function call(config: Record<string, unknown>, extra: Partial<ToolCall> = {}): ToolCall {
  return toolCall({ kind: 'http', config, step: 'fetch', ...extra });
}

describe('http tool', () => {
  let main: TestServer;
  let other: TestServer;

  beforeAll(async () => {
    other = await startServer({
      '/echo-headers': (req, res) => json(res, 200, req.headers),
    });
    main = await startServer({
      '/json': (req, res, body) =>
        json(res, 200, {
          method: req.method,
          query: req.url?.split('?')[1] ?? '',
          body,
          auth: req.headers.authorization ?? null,
        }),
      '/text': (_req, res) =>
        res.writeHead(201, { 'content-type': 'text/plain', 'x-extra': 'yes' }).end('plain'),
      '/secret': (_req, res) => json(res, 200, { secret: 'internal' }),
      '/to-json': (_req, res) => res.writeHead(302, { location: '/json' }).end(),
      '/see-other': (_req, res) => res.writeHead(303, { location: '/json' }).end(),
      '/to-metadata': (_req, res) =>
        res
          .writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/iam/security-credentials/' })
          .end(),
      '/to-loopback-address': (req, res) =>
        res.writeHead(307, { location: `http://127.0.0.1:${req.socket.localPort}/secret` }).end(),
      '/to-other-origin': (_req, res) => res.writeHead(302, { location: `${other.base}/echo-headers` }).end(),
      '/loop': (_req, res) => res.writeHead(302, { location: '/loop' }).end(),
      '/big': (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('x'.repeat(200 * 1024)),
      '/big-chunked': (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        for (let i = 0; i < 200; i++) res.write('y'.repeat(1024));
        res.end();
      },
      '/hang': () => undefined,
    });
  });

  beforeEach(() => {
    main.hits.length = 0;
    other.hits.length = 0;
  });

  afterAll(async () => {
    for (const s of [main, other]) {
      s.server.closeAllConnections();
      await new Promise((resolve) => s.server.close(resolve));
    }
  });

  it('refuses loopback by default, by address and by name, without sending the request', async () => {
    const byAddress = await toolFailure(runHttpTool(call({ url: `${main.base}/secret` }), settings));
    expect(byAddress.code).toBe('EGRESS_DENIED');
    const port = new URL(main.base).port;
    const byName = await toolFailure(runHttpTool(call({ url: `http://localhost:${port}/secret` }), settings));
    expect(byName.code).toBe('EGRESS_DENIED');
    const mapped = await toolFailure(
      runHttpTool(call({ url: `http://[::ffff:127.0.0.1]:${port}/secret` }), settings),
    );
    expect(mapped.code).toBe('EGRESS_DENIED');
    const decimal = await toolFailure(
      runHttpTool(call({ url: `http://2130706433:${port}/secret` }), settings),
    );
    expect(decimal.code).toBe('EGRESS_DENIED');
    expect(main.hits).toEqual([]);
  });

  it('refuses cloud metadata and non-HTTP schemes', async () => {
    expect(
      (await toolFailure(runHttpTool(call({ url: 'http://169.254.169.254/latest/meta-data/' }), settings)))
        .code,
    ).toBe('EGRESS_DENIED');
    expect((await toolFailure(runHttpTool(call({ url: 'http://[fd00:ec2::254]/' }), settings))).code).toBe(
      'EGRESS_DENIED',
    );
    expect((await toolFailure(runHttpTool(call({ url: 'file:///etc/passwd' }), settings))).code).toBe(
      'EGRESS_DENIED',
    );
  });

  it('reaches an address HTTP_TOOL_ALLOW opens: params, headers, JSON body, result shape', async () => {
    const result = (await runHttpTool(
      call({
        endpoint: `${main.base}/json`,
        method: 'post',
        params: { q: 'a b', n: 2 },
        headers: { 'X-Trace': 't1' },
        data: { hello: 'world' },
      }),
      allowLoopback,
    )) as { status_code: number; headers: Record<string, string>; body: Record<string, unknown> };
    expect(result.status_code).toBe(200);
    expect(result.headers['content-type']).toBe('application/json');
    expect(result.body).toEqual({
      method: 'POST',
      query: 'q=a+b&n=2',
      body: '{"hello":"world"}',
      auth: null,
    });
  });

  it('returns a text body and non-JSON headers as they came', async () => {
    const result = (await runHttpTool(call({ url: `${main.base}/text` }), allowLoopback)) as Record<
      string,
      unknown
    >;
    expect(result).toMatchObject({ status_code: 201, body: 'plain', headers: { 'x-extra': 'yes' } });
  });

  it('adds a bearer credential', async () => {
    const credential: ToolCredential = { name: 'api', type: 'bearer', data: { token: 'tok-123' } };
    const result = (await runHttpTool(call({ url: `${main.base}/json` }, { credential }), allowLoopback)) as {
      body: { auth: string };
    };
    expect(result.body.auth).toBe('Bearer tok-123');
  });

  it('adds a basic credential', async () => {
    const credential: ToolCredential = {
      name: 'api',
      type: 'basic',
      data: { username: 'u', password: 'p w' },
    };
    const result = (await runHttpTool(call({ url: `${main.base}/json` }, { credential }), allowLoopback)) as {
      body: { auth: string };
    };
    expect(result.body.auth).toBe(`Basic ${Buffer.from('u:p w').toString('base64')}`);
  });

  it('follows redirects on allowed hosts; 303 turns POST into GET', async () => {
    const result = (await runHttpTool(call({ url: `${main.base}/to-json` }), allowLoopback)) as {
      body: { method: string };
    };
    expect(result.body.method).toBe('GET');
    const seeOther = (await runHttpTool(
      call({ url: `${main.base}/see-other`, method: 'POST', body: 'x' }),
      allowLoopback,
    )) as {
      body: { method: string; body: string };
    };
    expect(seeOther.body).toMatchObject({ method: 'GET', body: '' });
  });

  it('checks every redirect: an allowed host redirecting to metadata or to a loopback address is refused', async () => {
    const toMetadata = await toolFailure(
      runHttpTool(call({ url: `${main.base}/to-metadata` }), allowLoopback),
    );
    expect(toMetadata.code).toBe('EGRESS_DENIED');
    expect(toMetadata.message).toContain('169.254.169.254');
    const port = new URL(main.base).port;
    const onlyTheName: HttpSettings = { ...settings, allow: ['localhost'] };
    const allowed = (await runHttpTool(call({ url: `http://localhost:${port}/json` }), onlyTheName)) as {
      status_code: number;
    };
    expect(allowed.status_code).toBe(200);
    const toAddress = await toolFailure(
      runHttpTool(call({ url: `http://localhost:${port}/to-loopback-address` }), onlyTheName),
    );
    expect(toAddress.code).toBe('EGRESS_DENIED');
    expect(main.hits).toEqual(['/to-metadata', '/json', '/to-loopback-address']);
  });

  it('drops credentials on a cross-origin redirect', async () => {
    const result = (await runHttpTool(
      call({
        url: `${main.base}/to-other-origin`,
        headers: { authorization: 'Bearer secret', 'x-keep': '1' },
      }),
      allowLoopback,
    )) as { body: Record<string, string> };
    expect(result.body['x-keep']).toBe('1');
    expect(result.body.authorization).toBeUndefined();
  });

  it('stops after maxRedirects', async () => {
    const error = await toolFailure(runHttpTool(call({ url: `${main.base}/loop` }), allowLoopback));
    expect(error.code).toBe('TOO_MANY_REDIRECTS');
  });

  it('caps the response size, with and without content-length', async () => {
    expect((await toolFailure(runHttpTool(call({ url: `${main.base}/big` }), allowLoopback))).code).toBe(
      'RESPONSE_TOO_LARGE',
    );
    expect(
      (await toolFailure(runHttpTool(call({ url: `${main.base}/big-chunked` }), allowLoopback))).code,
    ).toBe('RESPONSE_TOO_LARGE');
  });

  it('times out a server that never answers', async () => {
    const error = await toolFailure(
      runHttpTool(call({ url: `${main.base}/hang` }), { ...allowLoopback, timeoutMs: 300 }),
    );
    expect(error.code).toBe('HTTP_TIMEOUT');
  });

  it('stops when the step is aborted', async () => {
    const controller = new AbortController();
    const pending = runHttpTool(
      call({ url: `${main.base}/hang` }, { signal: controller.signal }),
      allowLoopback,
    );
    setTimeout(() => controller.abort(), 100);
    expect((await toolFailure(pending)).code).toBe('ABORTED');
  });

  it('names a missing or invalid url', async () => {
    expect((await toolFailure(runHttpTool(call({}), settings))).code).toBe('BAD_CONFIG');
    expect((await toolFailure(runHttpTool(call({ url: 'not a url' }), settings))).code).toBe('BAD_CONFIG');
  });
});
