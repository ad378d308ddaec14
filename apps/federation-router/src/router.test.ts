import { existsSync } from 'node:fs';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeFromSubgraphs } from '@switchyard/federation';
import { childProcesses, startChildApp, waitFor, type ChildApp } from '@switchyard/testing';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { loadRouterConfig } from './config.js';
import { runCli } from './plan-command.js';
import { createRouterService, type RouterService } from './server.js';

let astronauts: ChildApp;
let missions: ChildApp;
let subgraphList: string;
const started: RouterService[] = [];

async function startRouter(env: Record<string, string>) {
  const config = loadRouterConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', ...env });
  const service = await createRouterService(config);
  started.push(service);
  const address = await service.listen();
  return { service, url: `${address.url}/graphql`, base: address.url };
}

beforeAll(async () => {
  [astronauts, missions] = await Promise.all([
    startChildApp({ app: 'astronauts-subgraph' }),
    startChildApp({ app: 'missions-subgraph' }),
  ]);
  subgraphList = `astronauts=${astronauts.url}/graphql,missions=${missions.url}/graphql`;
});

afterAll(async () => {
  await Promise.all(started.map((s) => s.shutdown()));
  await Promise.all([astronauts?.stop(), missions?.stop()]);
});

interface Crew {
  id: string;
  name: string | null;
  missions: Array<{ id: string; designation: string; crew: Array<{ id: string; name: string | null }> }>;
}

describe('federation router over the seed subgraphs', () => {
  let url: string;
  let base: string;
  beforeAll(async () => {
    ({ url, base } = await startRouter({
      SUBGRAPHS: subgraphList,
      EXPOSE_PLANS: 'true',
      CORS_ORIGINS: 'http://allowed.example',
      BODY_LIMIT: '20kb',
    }));
  });

  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  it('answers missions -> crew -> missions -> crew', async () => {
    const res = await post({
      query: `{ missions { id designation crew { id name missions { id designation crew { id name } } } } }`,
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      data: { missions: Array<{ id: string; crew: Crew[] }> };
      errors?: unknown;
    };
    expect(body.errors).toBeUndefined();
    expect(body.data.missions.length).toBeGreaterThan(3);
    for (const mission of body.data.missions) {
      for (const member of mission.crew) {
        expect(typeof member.name).toBe('string');
        // Every crew member's missions include the mission we came from, with that member in its crew.
        const back = member.missions.find((m) => m.id === mission.id);
        expect(back, `${member.id} in ${mission.id}`).toBeDefined();
        expect(back!.crew.map((c) => c.id)).toContain(member.id);
        expect(back!.crew.every((c) => typeof c.name === 'string')).toBe(true);
      }
    }
  });

  it('serves GET queries and refuses other operation kinds over GET', async () => {
    const res = await fetch(
      `${url}?query=${encodeURIComponent('query ($id: ID!) { astronaut(id: $id) { id name } }')}&variables=${encodeURIComponent('{"id":"1"}')}`,
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: { astronaut: { id: string; name: string } } };
    expect(body.data.astronaut.id).toBe('1');
    const bad = await fetch(`${url}?query=${encodeURIComponent('{ astronauts { id } }')}&variables=%7Bnope`);
    expect(bad.status).toBe(400);
  });

  it('negotiates application/graphql-response+json and application/json', async () => {
    const modern = await post({ query: '{ nope }' }, { accept: 'application/graphql-response+json' });
    expect(modern.status).toBe(400);
    expect(modern.headers.get('content-type')).toContain('application/graphql-response+json');
    const legacy = await post({ query: '{ nope }' }, { accept: 'application/json' });
    expect(legacy.status).toBe(200);
    expect(legacy.headers.get('content-type')).toContain('application/json');
    const body = (await legacy.json()) as { errors: Array<{ extensions: { code: string } }> };
    expect(body.errors[0]!.extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('answers bad input with coded GraphQL errors, never a 500', async () => {
    const cases: Array<[RequestInit, number, string]> = [
      [
        { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' },
        400,
        'INVALID_JSON',
      ],
      [
        { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{ astronauts { id } }' },
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      ],
      [{ method: 'POST', headers: { 'content-type': 'application/json' }, body: '[1]' }, 400, 'BAD_REQUEST'],
      [
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: 'x'.repeat(30_000) }),
        },
        413,
        'PAYLOAD_TOO_LARGE',
      ],
      [
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: '{ astronauts {' }),
        },
        200,
        'GRAPHQL_PARSE_FAILED',
      ],
      [
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: 'query A { astronauts { id } }', operationName: 'B' }),
        },
        200,
        'OPERATION_RESOLUTION_FAILURE',
      ],
      [
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            query: 'query ($id: ID!) { astronaut(id: $id) { id } }',
            variables: { id: [1] },
          }),
        },
        200,
        'BAD_USER_INPUT',
      ],
    ];
    for (const [init, status, code] of cases) {
      const res = await fetch(url, init);
      const body = (await res.json()) as { errors: Array<{ extensions: { code: string } }> };
      expect(res.status, code).toBe(status);
      expect(body.errors[0]!.extensions.code).toBe(code);
    }
  });

  it('returns the plan when asked and allowed', async () => {
    const res = await post({ query: '{ missions { crew { name } } }' }, { 'x-switchyard-plan': 'true' });
    const body = (await res.json()) as { extensions: { queryPlanText: string } };
    expect(body.extensions.queryPlanText).toContain('Flatten(path: "missions.@.crew.@")');
    const plain = (await (await post({ query: '{ missions { id } }' })).json()) as { extensions?: unknown };
    expect(plain.extensions).toBeUndefined();
  });

  it('applies CORS by allow-list', async () => {
    const allowed = await fetch(url, { method: 'OPTIONS', headers: { origin: 'http://allowed.example' } });
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://allowed.example');
    const denied = await post({ query: '{ missions { id } }' }, { origin: 'http://evil.example' });
    expect(denied.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('serves the landing page, health, readiness and metrics', async () => {
    const page = await fetch(url, { headers: { accept: 'text/html' } });
    expect(await page.text()).toContain('GraphiQL');
    expect((await fetch(`${base}/health`)).status).toBe(200);
    expect((await fetch(`${base}/ready`)).status).toBe(200);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain('federation_router_operations_total');
    expect(metrics).toMatch(/federation_router_subgraph_fetch_seconds_count\{[^}]*subgraph="missions"/);
  });

  it('answers operations over graphql-ws', async () => {
    const client = createClient({
      url: url.replace('http', 'ws'),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
    });
    try {
      const results: unknown[] = [];
      for await (const result of client.iterate({
        query: '{ mission(id: "11") { designation crew { name } } }',
      }))
        results.push(result);
      expect(results).toHaveLength(1);
      expect(JSON.stringify(results[0])).toContain('Apollo 11');
    } finally {
      await client.dispose();
    }
  });
});

describe('supergraph file', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'router-supergraph-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reloads a changed file atomically and ignores an invalid one', async () => {
    const path = join(dir, 'supergraph.graphql');
    const onlyAstronauts = await composeFromSubgraphs([
      { name: 'astronauts', url: `${astronauts.url}/graphql` },
    ]);
    const both = await composeFromSubgraphs([
      { name: 'astronauts', url: `${astronauts.url}/graphql` },
      { name: 'missions', url: `${missions.url}/graphql` },
    ]);
    await writeFile(path, onlyAstronauts);
    const { url, service } = await startRouter({ SUPERGRAPH_PATH: path });
    const ask = async () =>
      (await (
        await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: '{ missions { id } }' }),
        })
      ).json()) as {
        data?: unknown;
        errors?: unknown;
      };
    expect((await ask()).data).toBeUndefined();

    await writeFile(`${path}.tmp`, both);
    await rename(`${path}.tmp`, path);
    await waitFor('reloaded supergraph', async () => (await ask()).data !== undefined, { timeoutMs: 10_000 });

    await writeFile(
      path,
      both.replace('@join__type(graph: MISSIONS, key: "id")', '@join__type(graph: MISSIONS, key: "nope")'),
    );
    await waitFor(
      'reload attempt',
      async () => {
        await service.source.settled();
        const metrics = await service.metrics.getSingleMetricAsString(
          'federation_router_supergraph_reloads_total',
        );
        return metrics.includes('outcome="rejected"');
      },
      { timeoutMs: 10_000 },
    );
    expect((await ask()).data).toBeDefined();
  });

  it('is ready only while its subgraphs answer', async () => {
    const path = join(dir, 'unreachable.graphql');
    const both = await composeFromSubgraphs([
      { name: 'astronauts', url: `${astronauts.url}/graphql` },
      { name: 'missions', url: `${missions.url}/graphql` },
    ]);
    await writeFile(path, both.replace(`${missions.url}/graphql`, 'http://127.0.0.1:9/graphql'));
    const { base, url } = await startRouter({ SUPERGRAPH_PATH: path, SUPERGRAPH_WATCH: 'false' });
    const ready = await fetch(`${base}/ready`);
    expect(ready.status).toBe(503);
    expect(JSON.stringify(await ready.json())).toContain('missions');
    // Still serves what it can: astronauts answer, missions fields are null with an error.
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ astronauts { id } missions { id } }' }),
    });
    const body = (await res.json()) as {
      data: { astronauts: unknown[]; missions: unknown };
      errors: Array<{ extensions: { serviceName: string } }>;
    };
    expect(body.data.astronauts.length).toBeGreaterThan(0);
    expect(body.data.missions).toBeNull();
    expect(body.errors[0]!.extensions.serviceName).toBe('missions');
  });

  it('refuses to start on a broken supergraph, naming the culprit', async () => {
    const path = join(dir, 'broken.graphql');
    const both = await composeFromSubgraphs([
      { name: 'astronauts', url: `${astronauts.url}/graphql` },
      { name: 'missions', url: `${missions.url}/graphql` },
    ]);
    await writeFile(path, both.replace(/@join__field\(graph: MISSIONS\)/, '@join__field(graph: MARS)'));
    await expect(startRouter({ SUPERGRAPH_PATH: path })).rejects.toThrow(/unknown graph MARS/);
  });

  it('can switch introspection off', async () => {
    const { url } = await startRouter({
      SUBGRAPHS: subgraphList,
      INTROSPECTION: 'false',
      LANDING_PAGE: 'false',
    });
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __schema { types { name } } }' }),
    });
    const body = (await res.json()) as { errors: Array<{ extensions: { code: string } }> };
    expect(body.errors[0]!.extensions.code).toBe('INTROSPECTION_DISABLED');
    const page = await fetch(url, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(400);
  });

  it('prints a plan from the command line', async () => {
    const supergraph = join(dir, 'cli.graphql');
    const query = join(dir, 'q.graphql');
    await writeFile(
      supergraph,
      await composeFromSubgraphs([
        { name: 'astronauts', url: `${astronauts.url}/graphql` },
        { name: 'missions', url: `${missions.url}/graphql` },
      ]),
    );
    await writeFile(query, '{ missions { crew { name } } }');
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(['plan', '--supergraph', supergraph, '--query', query], {
      out: (t) => out.push(t),
      err: (t) => err.push(t),
    });
    expect(err).toEqual([]);
    expect(code).toBe(0);
    expect(out.join('\n')).toMatch(/^QueryPlan \{\n {2}Sequence \{\n {4}Fetch\(service: "missions"\)/);
    await writeFile(query, '{ nope }');
    expect(
      await runCli(['plan', '--supergraph', supergraph, '--query', query], {
        out: () => undefined,
        err: (t) => err.push(t),
      }),
    ).toBe(1);
    expect(err.join('\n')).toContain('GRAPHQL_VALIDATION_FAILED');
  });
});

/** Pids of the node processes whose parent is `pid` (tsx's esbuild service is not a worker). */
function childrenOf(pid: number): number[] {
  return childProcesses(pid)
    .filter((c) => c.command !== 'esbuild')
    .map((c) => c.pid);
}

describe('WORKERS', () => {
  it('serves from several processes sharing one port, and stops them all', async () => {
    const router = await startChildApp({
      app: 'federation-router',
      env: { SUBGRAPHS: subgraphList, WORKERS: '2', SUPERGRAPH_WATCH: 'false' },
    });
    const primary = router.process.child.pid!;
    let workers: number[] = [];
    try {
      await waitFor('two workers', async () => (workers = childrenOf(primary)).length === 2, {
        timeoutMs: 30_000,
        intervalMs: 100,
      });
      for (let i = 0; i < 4; i++) {
        const res = await fetch(`${router.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', connection: 'close' },
          body: JSON.stringify({ query: '{ astronauts { name } }' }),
        });
        expect(res.status).toBe(200);
        const body = (await res.json()) as { data: { astronauts: unknown[] } };
        expect(body.data.astronauts.length).toBeGreaterThan(0);
      }
    } finally {
      await router.stop();
    }
    expect(workers).toHaveLength(2);
    for (const pid of workers) expect(existsSync(`/proc/${pid}`)).toBe(false);
  }, 90_000);
});
