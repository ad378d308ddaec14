import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecutionDetail } from '@switchyard/engine-client';
import { createLogger } from '@switchyard/service-kit';
import { startNats, startPostgres, type TestNats, type TestPostgres } from '@switchyard/testing';
import { startEngine, startHttpServer, yaml, type RunningEngine } from './test-fixtures/harness.js';
import { createPlaygroundDatabase } from './test-fixtures/playground-database.js';

/**
 * The attacks of a playbook author and of a client, each through the engine's REST API (with its token), on both
 * storage back ends: every one is contained with a clear error, health keeps answering, and no secret (the
 * credentials key, the engine token, a session token) reaches a response, an event or a log line.
 */

const CREDENTIALS_KEY = `credentials-key-${randomBytes(12).toString('hex')}`;

let nats: TestNats;
let postgres: TestPostgres;
let playgroundUrl: string;
let slow: { url: string; close(): Promise<void> };
const slowRequests: string[] = [];

beforeAll(async () => {
  [nats, postgres] = await Promise.all([startNats(), startPostgres()]);
  playgroundUrl = await createPlaygroundDatabase(postgres.url, 'attack_playground');
  // An allowed host (127.0.0.2 only) that never answers: the http tool's timeout must end the call.
  slow = await startHttpServer((req) => void slowRequests.push(req.url!), '127.0.0.2');
}, 120_000);

afterAll(async () => {
  await slow?.close();
  await postgres?.stop();
  await nats?.stop();
});

describe.each(['pglite', 'postgres'] as const)('attacks on an engine with %s storage', (storage) => {
  let eng: RunningEngine;
  const logLines: string[] = [];
  let sessionToken: string;

  beforeAll(async () => {
    const logs = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(chunk.toString('utf8'));
        done();
      },
    });
    eng = await startEngine({
      natsUrl: nats.url,
      logger: createLogger({ name: 'playbook-engine', level: 'debug', destination: logs }),
      env: {
        CREDENTIALS_KEY,
        AUTH_DEV_ISSUER: 'true',
        ENGINE_MAX_PLAYBOOK_DEPTH: '3',
        ENGINE_MAX_RETRY_ATTEMPTS: '3',
        ENGINE_STEP_TIMEOUT_S: '6',
        ...(storage === 'postgres' ? { DATABASE_URL: postgres.url } : {}),
      },
      workerEnv: {
        HTTP_TOOL_ALLOW: '127.0.0.2',
        HTTP_TOOL_TIMEOUT_MS: '1500',
        PYTHON_STEP_CPU_SECONDS: '2',
        PYTHON_STEP_WALL_SECONDS: '4',
        PYTHON_STEP_MEMORY_BYTES: String(256 * 1024 * 1024),
        POSTGRES_TOOL_STATEMENT_TIMEOUT_MS: '1000',
      },
    });
    const url = new URL(playgroundUrl);
    await eng.client.putCredential({
      name: 'playground',
      type: 'postgres',
      data: {
        host: url.hostname,
        port: Number(url.port),
        user: decodeURIComponent(url.username),
        password: decodeURIComponent(url.password),
        database: url.pathname.slice(1),
      },
    });
    const dev = await eng.client.devToken({
      sub: `victim-${storage}`,
      email: `victim-${storage}@example.com`,
      name: 'Victim',
    });
    const login = await eng.client.runSync({
      path: 'api_integration/auth0/auth0_login',
      args: { auth0_token: dev.token },
    });
    sessionToken = (login.result as { session_token: string }).session_token;
    expect(sessionToken).toMatch(/^[A-Za-z0-9_-]{40,}$/);
  }, 120_000);

  afterAll(async () => {
    await eng?.stop();
  });

  /** Health answers while the attacks run (the engine's event loop is never blocked for long). */
  async function healthy(): Promise<void> {
    const res = await fetch(`${eng.url}/health`, { signal: AbortSignal.timeout(5_000) });
    expect(res.status).toBe(200);
  }

  let counter = 0;
  /** Registers a one-off playbook, runs it to its end, checks health meanwhile, and returns the execution. */
  async function attack(workflow: string, args: Record<string, unknown> = {}): Promise<ExecutionDetail> {
    const path = `attacks/${storage}/a${++counter}`;
    await eng.client.registerPlaybook(
      `apiVersion: noetl.io/v2\nkind: Playbook\nmetadata: { name: a${counter}, path: ${path} }\nworkflow:\n${workflow}`,
    );
    const started = await eng.client.runPlaybook({ path, args });
    const settled = eng.engine.engine.settle(started.execution_id);
    await healthy();
    await settled;
    await healthy();
    return eng.client.getExecution(started.execution_id);
  }

  function noSecrets(...values: unknown[]): void {
    const text = JSON.stringify(values);
    for (const secret of [CREDENTIALS_KEY, eng.token, sessionToken]) expect(text).not.toContain(secret);
  }

  const templateAttacks = [
    '{{ range.constructor("return process.env")() }}',
    '{{ range.constructor("return process.getBuiltinModule(\\"child_process\\").execSync(\\"id\\").toString()")() }}',
    '{{ "".constructor.constructor("return process.env")() }}',
    '{{ joiner.constructor("return process.env")() }}',
    '{{ now.constructor("return process.env")() }}',
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    '{{ self.__init__.__globals__ }}',
    "{{ lipsum.__globals__['os'].popen('id').read() }}",
    '{{ cycler.__init__.__globals__ }}',
  ];

  it.each(templateAttacks)('template %s fails with a template error', async (template) => {
    const detail = await attack(
      `  - step: start\n    tool: { kind: noop, result: ${JSON.stringify(template)} }\n`,
    );
    expect(detail.status).toBe('FAILED');
    expect(detail.error).toMatch(/template|undefined|unsafe|not safely|attribute/i);
    expect(JSON.stringify(detail)).not.toMatch(/uid=\d+|PATH=|\/usr\/bin/);
    noSecrets(detail);
  });

  it('template budgets: a huge loop and a huge string fail fast, health keeps answering', async () => {
    const loop = await attack(
      `  - step: start\n    tool: { kind: noop, result: "{% for i in range(0, 30000000) %}{% endfor %}x" }\n`,
    );
    expect(loop.status).toBe('FAILED');
    const big = await attack(`  - step: start\n    tool: { kind: noop, result: "{{ 'x' * 1000000000 }}" }\n`);
    expect(big.status).toBe('FAILED');
    noSecrets(loop, big);
  });

  it('python steps: no engine secrets, no root files, no engine API, limits on CPU, wall time and memory', async () => {
    const env = await attack(yaml`
      - step: start
        tool:
          kind: python
          code: |
            import os
            result = {"env": dict(os.environ), "uid": os.getuid()}
    `);
    expect(env.status).toBe('COMPLETED');
    const seen = env.result as { env: Record<string, string>; uid: number };
    expect(Object.keys(seen.env)).not.toContain('CREDENTIALS_KEY');
    expect(Object.keys(seen.env)).not.toContain('DATABASE_URL');
    expect(Object.keys(seen.env)).not.toContain('ENGINE_API_TOKEN');
    if (process.getuid?.() === 0) expect(seen.uid).not.toBe(0);
    noSecrets(env);

    const shadow = await attack(
      `  - step: start\n    tool: { kind: python, code: "result = open('/etc/shadow').read()" }\n`,
    );
    expect(shadow.status).toBe('FAILED');
    expect(shadow.error).toMatch(/Permission denied|No such file/);

    const api = await attack(yaml`
      - step: start
        tool:
          kind: python
          code: |
            import urllib.request, urllib.error
            try:
                urllib.request.urlopen("${eng.url}/api/executions?limit=100")
                result = "read"
            except urllib.error.HTTPError as e:
                result = e.code
    `);
    expect(api.result).toBe(401);

    const forged = await attack(yaml`
      - step: start
        tool:
          kind: python
          code: |
            print('__SWITCHYARD_RESULT__{"forged": true}')
            result = "real"
    `);
    expect(forged.result).toBe('real');

    const [spin, sleep, memory] = await Promise.all([
      attack(`  - step: start\n    tool: { kind: python, code: "while True: pass" }\n`),
      attack(`  - step: start\n    tool: { kind: python, code: "import time\\ntime.sleep(100000)" }\n`),
      attack(`  - step: start\n    tool: { kind: python, code: "x = bytearray(3 * 1024 ** 3)" }\n`),
    ]);
    for (const d of [spin, sleep, memory]) expect(d.status).toBe('FAILED');
    expect(memory.error).toMatch(/MemoryError|memory/i);
  });

  it('postgres: no step without a credential, never the engine database, statement timeout on the one it names', async () => {
    const bare = await attack(
      `  - step: start\n    tool: { kind: postgres, query: "SELECT * FROM credentials" }\n`,
    );
    expect(bare.status).toBe('FAILED');
    expect(bare.error).toMatch(/credential/i);
    const sleepy = await attack(
      `  - step: start\n    tool: { kind: postgres, auth: playground, query: "SELECT pg_sleep(1000)" }\n`,
    );
    expect(sleepy.status).toBe('FAILED');
    expect(sleepy.error).toMatch(/timeout|cancel/i);
    noSecrets(bare, sleepy);
  });

  it('http: internal addresses are refused, a slow endpoint times out, retries are capped', async () => {
    for (const url of [
      `${eng.url}/api/executions?path=api_integration/auth0/auth0_login&limit=100`,
      'http://169.254.169.254/latest/meta-data/',
      'http://[::1]:4222/',
    ]) {
      const denied = await attack(`  - step: start\n    tool: { kind: http, url: ${JSON.stringify(url)} }\n`);
      expect(denied.status).toBe('FAILED');
      expect(denied.error).toMatch(/refused|not allowed|denied|egress/i);
      noSecrets(denied);
    }
    const hang = await attack(yaml`
      - step: start
        retry: { attempts: 100 }
        tool: { kind: http, url: "${slow.url}/hang-${storage}" }
    `);
    expect(hang.status).toBe('FAILED');
    expect(hang.error).toMatch(/did not answer within 1500 ms/);
    // ENGINE_MAX_RETRY_ATTEMPTS=3: three calls, not a hundred.
    expect(slowRequests.filter((u) => u === `/hang-${storage}`)).toHaveLength(3);
  });

  it('a playbook that calls itself stops at the nesting limit with a clear error', async () => {
    const path = `attacks/${storage}/recursive`;
    await eng.client.registerPlaybook(yaml`
      apiVersion: noetl.io/v2
      kind: Playbook
      metadata: { name: recursive, path: ${path} }
      workflow:
        - step: start
          tool: { kind: playbook, path: ${path} }
    `);
    const started = await eng.client.runPlaybook({ path });
    await eng.engine.engine.settle(started.execution_id);
    const detail = await eng.client.getExecution(started.execution_id);
    expect(detail.status).toBe('FAILED');
    expect(detail.error).toMatch(/ENGINE_MAX_PLAYBOOK_DEPTH/);
    const all = await eng.client.listExecutions({ path, limit: 100 });
    expect(all.executions.length).toBeLessThanOrEqual(3);
    await healthy();
  });

  it('bad input is a 4xx with a code, never a 5xx', async () => {
    const post = (path: string, body: string) =>
      fetch(`${eng.url}${path}`, {
        method: 'POST',
        headers: { ...eng.headers, 'content-type': 'application/json' },
        body,
      });
    const bomb = [
      'a: &a ["x","x","x","x","x","x","x","x","x"]',
      ...Array.from({ length: 8 }, (_, i) => {
        const prev = i === 0 ? 'a' : `b${i - 1}`;
        return `b${i}: &b${i} [*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev}]`;
      }),
    ].join('\n');
    const cases: Array<[string, string, number]> = [
      ['/api/catalog/register', JSON.stringify({ content: bomb, resource_type: 'Playbook' }), 400],
      [
        '/api/catalog/register',
        JSON.stringify({
          content:
            'apiVersion: noetl.io/v2\nkind: Playbook\nmetadata: { name: n, path: x/nul }\nworkflow:\n  - step: start\n    desc: "a\u0000b"\n',
          resource_type: 'Playbook',
        }),
        400,
      ],
      [
        '/api/catalog/register',
        JSON.stringify({
          content:
            'apiVersion: noetl.io/v2\nkind: Playbook\nmetadata: { name: n, path: ../../etc/passwd }\nworkflow:\n  - step: start\n',
          resource_type: 'Playbook',
        }),
        400,
      ],
      [
        '/api/catalog/register',
        JSON.stringify({
          content:
            'apiVersion: noetl.io/v2\nkind: Playbook\nmetadata: { name: n, path: x/unclosed }\nworkflow:\n  - step: start\n    tool: { kind: noop, result: "{{ oops" }\n',
          resource_type: 'Playbook',
        }),
        400,
      ],
      ['/api/run/playbook', `{"path":"x","args":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`, 400],
      ['/api/execute', JSON.stringify({ catalog_id: '99999999999999999999999999' }), 404],
    ];
    for (const [path, body, status] of cases) {
      const res = await post(path, body);
      const text = await res.text();
      expect({ path, status: res.status }).toEqual({ path, status });
      expect(text).toMatch(/"code"|"detail"/);
    }
    const unclosed = await post(
      '/api/catalog/register',
      JSON.stringify({
        content:
          'apiVersion: noetl.io/v2\nkind: Playbook\nmetadata: { name: n, path: x/unclosed }\nworkflow:\n  - step: start\n    tool: { kind: noop, result: "{{ oops" }\n',
        resource_type: 'Playbook',
      }),
    );
    expect(await unclosed.text()).toMatch(/step \\"start\\".*tool\.result/);
    await healthy();
  });

  it('the engine API needs its token; stored auth results hold no session token; no secret in any log line', async () => {
    expect((await fetch(`${eng.url}/api/executions`)).status).toBe(401);
    expect(
      (await fetch(`${eng.url}/api/executions`, { headers: { authorization: 'Bearer wrong' } })).status,
    ).toBe(401);
    expect((await fetch(`${eng.url}/api/health`)).status).toBe(200);
    const logins = await eng.client.listExecutions({ path: 'api_integration/auth0/auth0_login', limit: 100 });
    expect(logins.executions.length).toBeGreaterThan(0);
    for (const e of logins.executions) noSecrets(await eng.client.getExecution(e.execution_id));
    expect(logLines.length).toBeGreaterThan(0);
    noSecrets(logLines.join('\n'));
  });
});
