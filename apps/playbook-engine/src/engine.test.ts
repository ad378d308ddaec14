import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NatsConnection } from '@nats-io/transport-node';
import { EngineError, isEngineUnavailable, executionEventsOf } from '@switchyard/engine-client';
import { deriveExecutionStatus } from '@switchyard/execution-events';
import { waitFor, type TestNats } from '@switchyard/testing';
import type { Database } from './storage/database.js';
import type { ExecutionStore } from './storage/execution-store.js';
import {
  collectEvents,
  startEngine,
  startHttpServer,
  yaml,
  type RunningEngine,
} from './test-fixtures/harness.js';
import { startEngineOnPglite, type EngineOnPglite } from './test-fixtures/pglite-engine.js';

let nats: TestNats;
let nc: NatsConnection;
let db: Database;
let eng: RunningEngine;
let stack: EngineOnPglite;

beforeAll(async () => {
  stack = await startEngineOnPglite({
    CREDENTIALS_KEY: 'test-key-0123456789abcdef',
    MAX_PARALLEL_STEPS: '4',
  });
  ({ nats, nc, db, eng } = stack);
});

afterAll(() => stack?.stop());

/** Runs a registered playbook, waits for its terminal event on NATS, and checks NATS and REST agree. */
async function run(path: string, args: Record<string, unknown> = {}) {
  const started = await eng.client.runPlaybook({ path, args });
  expect(started.status).toBe('running');
  expect(started.engine_status).toBe('INITIALIZED');
  const events = await collectEvents(nc, started.execution_id);
  const detail = await eng.client.getExecution(started.execution_id);
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  expect(events).toEqual(executionEventsOf(detail));
  expect(deriveExecutionStatus(events)).toBe(detail.status);
  expect(detail.last_seq).toBe(events.length);
  return { id: started.execution_id, events, detail };
}

async function register(content: string) {
  return eng.client.registerPlaybook(content);
}

describe('catalog', () => {
  it('registers a playbook, bumps the version on re-registration, lists and reads it', async () => {
    const text = yaml`
      apiVersion: noetl.io/v2
      kind: Playbook
      metadata: { name: hello, path: t/hello }
      workload: { name: world }
      workflow:
        - step: start
          tool: { kind: noop, result: "Hello {{ workload.name }}" }
    `;
    const first = await register(text);
    const second = await register(text);
    expect([first.version, second.version]).toEqual([1, 2]);
    expect(second.path).toBe('t/hello');
    const list = await eng.client.listCatalog({ path: 't/hello', all_versions: false });
    expect(list.entries.map((e) => e.version)).toEqual([2]);
    // NoETL lists every version, newest first.
    const all = await eng.client.listCatalog({ path: 't/hello' });
    expect(all.entries.map((e) => e.version)).toEqual([2, 1]);
    const resource = await eng.client.getCatalogResource({ path: 't/hello', version: 1 });
    expect(resource.content).toBe(text);
    const auth = await eng.client.listCatalog();
    expect(auth.entries.map((e) => e.path)).toEqual(
      expect.arrayContaining([
        'api_integration/auth0/auth0_login',
        'api_integration/auth0/auth0_validate_session',
        'api_integration/auth0/check_playbook_access',
      ]),
    );
    const { detail } = await run('t/hello', { name: 'Switchyard' });
    expect(detail.status).toBe('COMPLETED');
    expect(detail.result).toBe('Hello Switchyard');
    expect(executionEventsOf(detail).map((e) => e.type)).toEqual([
      'playbook.initialized',
      'workflow.initialized',
      'step.enter',
      'call.done',
      'step.exit',
      'workflow.completed',
      'playbook.completed',
    ]);
  });

  it('answers 400 with the path of every problem', async () => {
    const expectProblems = async (content: string) => {
      const error = await register(content).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EngineError);
      const e = error as EngineError;
      expect(e.status).toBe(400);
      expect(e.code).toBe('INVALID_PLAYBOOK');
      return (e.body as { error: { details: { problems: Array<{ path: string; message: string }> } } }).error
        .details.problems;
    };
    const syntax = await expectProblems('apiVersion: noetl.io/v2\nkind: [unclosed\n');
    expect(syntax[0]!.path).toBe('(yaml)');
    expect(syntax[0]!.message).toMatch(/line \d+/);

    const problems = await expectProblems(yaml`
      apiVersion: noetl.io/v2
      kind: Playbook
      metadata: { name: bad, path: t/bad, colour: red }
      workflow:
        - step: begin
          next: nowhere
        - step: two
          tool: { kind: ftp, url: x }
          next: [begin, { step: ghost }]
        - step: three
          tool: { kind: http, url: "http://x", verb: GET }
          case:
            - when: "{{ true }}"
              then: { next: missing }
        - step: four
          loop: { in: [1], iterator: i, mode: sideways }
    `);
    const byPath = Object.fromEntries(problems.map((p) => [p.path, p.message]));
    // Keys NoETL accepts and ignores (metadata is a free mapping there, tools allow extra keys) are warnings.
    expect(byPath['metadata']).toBeUndefined();
    expect(byPath['metadata.colour']).toBeUndefined();
    expect(byPath['workflow']).toMatch(/"start" is required/);
    expect(byPath['workflow[0].next']).toMatch(/"nowhere" does not exist/);
    expect(byPath['workflow[1].tool.kind']).toMatch(/unknown tool kind "ftp"/);
    expect(byPath['workflow[1].next[1].step']).toMatch(/"ghost" does not exist/);
    expect(byPath['workflow[2].tool']).toBeUndefined();
    expect(byPath['workflow[2].case[0].then[0].next']).toMatch(/"missing" does not exist/);
    expect(byPath['workflow[3].loop.mode']).toBeDefined();

    const notMapping = await expectProblems('- just\n- a list\n');
    expect(notMapping[0]!.path).toBe('(root)');
  });
});

describe('requests', () => {
  it('validates bodies and ids, and reports unknown playbooks and executions', async () => {
    const bad = await eng.client.runPlaybook({ path: '', args: {} }).catch((e: EngineError) => e);
    expect(bad).toBeInstanceOf(EngineError);
    expect((bad as EngineError).status).toBe(422);
    expect((bad as EngineError).code).toBe('VALIDATION_ERROR');
    const missing = await eng.client.runPlaybook({ path: 'no/such' }).catch((e: EngineError) => e);
    expect((missing as EngineError).status).toBe(404);
    const noExec = await eng.client.getExecution('123').catch((e: EngineError) => e);
    expect((noExec as EngineError).status).toBe(404);
    const res = await fetch(`${eng.url}/api/run/playbook`, {
      method: 'POST',
      headers: { ...eng.headers, 'content-type': 'application/json' },
      body: '{"path": 5, "bogus": 1}',
    });
    // FastAPI's answer to a body that does not validate: 422 with {loc, msg, type} per problem.
    expect(res.status).toBe(422);
    const body = (await res.json()) as {
      detail: Array<{ loc: unknown[]; type: string }>;
      code: string;
      error: { details: { problems: Array<{ path: string }> } };
    };
    expect(body.detail[0]!.loc).toEqual(['body', 'path']);
    expect(body.code).toBe('VALIDATION_ERROR');
    expect(body.error.details.problems[0]!.path).toBe('path');
    const broken = await fetch(`${eng.url}/api/run/playbook`, {
      method: 'POST',
      headers: { ...eng.headers, 'content-type': 'application/json' },
      body: '{',
    });
    expect(broken.status).toBe(400);
  });

  it('starts by catalog_id through /api/execute and pages events from a seq', async () => {
    const entry = await eng.client.getCatalogResource({ path: 't/hello', version: 1 });
    const started = await eng.client.execute({ catalog_id: entry.catalog_id, payload: { name: 'by id' } });
    expect(started).toMatchObject({
      path: 't/hello',
      version: 1,
      catalog_id: entry.catalog_id,
      parent_execution_id: null,
    });
    const events = await collectEvents(nc, started.execution_id);
    expect(events.at(-1)!.result).toBe('Hello by id');
    const tail = await eng.client.getExecutionEvents(started.execution_id, 5);
    expect(tail.events.map((e) => e.seq)).toEqual([5, 6, 7]);
    const status = await eng.client.getExecutionStatus(started.execution_id);
    expect(status).toMatchObject({
      status: 'COMPLETED',
      completed: true,
      last_seq: 7,
      result: 'Hello by id',
      error: null,
    });
    const neither = await eng.client.execute({ payload: {} }).catch((e: EngineError) => e);
    expect((neither as EngineError).status).toBe(422);
  });

  it('serves an OpenAPI document generated from the schemas', async () => {
    const doc = (await (await fetch(`${eng.url}/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<
        string,
        Record<
          string,
          {
            requestBody?: {
              content: { 'application/json': { schema: { properties: Record<string, unknown> } } };
            };
          }
        >
      >;
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/run/{resource_type}',
        '/api/executions/{execution_id}/cancel',
        '/api/executions/{execution_id}/cancellation-check',
        '/api/event/{event_id}',
        '/api/catalog/register',
        '/api/actions',
        '/api/actions/{name}/run',
        '/api/actions/{name}/continue-rendering',
        '/api/typeinstances/{id}',
      ]),
    );
    expect(Object.keys(doc.paths['/api/actions/{name}/cancel']!.post!)).toContain('responses');
    expect(
      Object.keys(
        doc.paths['/api/actions']!.post!.requestBody!.content['application/json'].schema.properties,
      ),
    ).toEqual(expect.arrayContaining(['name', 'actionRef']));
    expect(
      Object.keys(
        doc.paths['/api/run/{resource_type}']!.post!.requestBody!.content['application/json'].schema
          .properties,
      ),
    ).toEqual(expect.arrayContaining(['path', 'args', 'parent_execution_id', 'context', 'merge', 'version']));
  });

  it('reports health and lists executions with filters', async () => {
    const health = await eng.client.health();
    expect(health).toMatchObject({ status: 'ok', storage: 'pglite', nats: 'connected' });
    const page = await eng.client.listExecutions({ path: 't/hello', limit: 5 });
    expect(page.executions.every((e) => e.path === 't/hello')).toBe(true);
    expect(page.total).toBeGreaterThanOrEqual(1);
  });

  it('answers several executions with their events in one batch request', async () => {
    await register(yaml`
      apiVersion: noetl.io/v2
      kind: Playbook
      metadata: { name: batch, path: t/batch }
      workflow:
        - step: start
          tool: { kind: noop, result: "{{ workload.n }}" }
    `);
    const a = (await run('t/batch', { n: 1 })).detail.execution_id;
    const b = (await run('t/batch', { n: 2 })).detail.execution_id;
    const batch = await eng.client.getExecutions([b, '999999999', a, b]);
    expect(batch.executions.map((e) => e.execution_id)).toEqual([b, a, b]);
    for (const execution of batch.executions) {
      const single = await eng.client.getExecution(execution.execution_id);
      expect(execution).toEqual(single);
    }
    const bad = await fetch(`${eng.url}/api/executions/batch`, {
      method: 'POST',
      headers: { ...eng.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ ids: ['ok', 'not an id!'] }),
    });
    expect(bad.status).toBe(422);
    const tooMany = await fetch(`${eng.url}/api/executions/batch`, {
      method: 'POST',
      headers: { ...eng.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ ids: Array.from({ length: 101 }, (_, i) => String(i)) }),
    });
    expect(tooMany.status).toBe(422);
  });
});

describe('tool kinds and DSL features', () => {
  it('http tool: method, headers, params, body; response shape; retry; case branch', async () => {
    let hits = 0;
    const seen: Array<{ method?: string; url?: string; auth?: string; body: string }> = [];
    const server = await startHttpServer((req, res, body) => {
      hits++;
      if (hits === 1) {
        req.socket.destroy(); // a connection failure: the step retries
        return;
      }
      seen.push({ method: req.method, url: req.url, auth: req.headers.authorization, body });
      res.writeHead(201, { 'content-type': 'application/json', 'x-test': 'yes' });
      res.end(JSON.stringify({ echoed: JSON.parse(body || 'null'), n: hits }));
    });
    try {
      await register(yaml`
        apiVersion: noetl.io/v2
        kind: Playbook
        metadata: { name: http, path: t/http }
        workload: { base: "${server.url}", token: abc }
        workflow:
          - step: start
            next: call
          - step: call
            retry: { attempts: 3, delay: 0.01 }
            tool:
              kind: http
              method: POST
              url: "{{ workload.base }}/items"
              headers: { authorization: "Bearer {{ workload.token }}" }
              params: { page: 2, q: "a b" }
              body: { name: "{{ workload.token }}", list: [1, 2] }
            case:
              - when: "{{ response.status_code == 404 }}"
                then: { next: missing }
              - when: "{{ response.status_code == 201 and response.body.echoed.name == 'abc' }}"
                then:
                  set: { created: true }
                  next: created
          - step: created
            tool: { kind: noop, result: { created: "{{ vars.created }}", header: "{{ call.headers['x-test'] }}", n: "{{ call.body.n }}" } }
          - step: missing
            tool: { kind: noop, result: missing }
      `);
      const { detail, events } = await run('t/http');
      expect(detail.status).toBe('COMPLETED');
      expect(detail.result).toEqual({ created: true, header: 'yes', n: 2 });
      expect(seen).toEqual([
        {
          method: 'POST',
          url: '/items?page=2&q=a+b',
          auth: 'Bearer abc',
          body: '{"name":"abc","list":[1,2]}',
        },
      ]);
      const done = events.find((e) => e.type === 'call.done' && e.step === 'call')!;
      expect(done.result).toMatchObject({
        status_code: 201,
        body: { echoed: { name: 'abc', list: [1, 2] } },
      });
      expect(events.some((e) => e.step === 'missing')).toBe(false);
    } finally {
      await server.close();
    }
  });

  it('loops sequentially and in parallel (concurrently), with loop.item and loop.done events', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const waiting: Array<() => void> = [];
    const server = await startHttpServer((req, res) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const item = new URL(req.url!, 'http://x').searchParams.get('item');
      const answer = () => {
        inFlight--;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ item }));
      };
      waiting.push(answer);
      // Answer only when all three parallel requests have arrived (or after a safety period).
      if (waiting.length === 3) waiting.splice(0).forEach((f) => f());
      else
        setTimeout(
          () => waiting.includes(answer) && waiting.splice(waiting.indexOf(answer), 1) && answer(),
          5_000,
        );
    });
    try {
      await register(yaml`
        apiVersion: noetl.io/v2
        kind: Playbook
        metadata: { name: loops, path: t/loops }
        workload: { cities: [oslo, rome, lima] }
        workflow:
          - step: start
            next: seq
          - step: seq
            loop: { in: "{{ workload.cities }}", iterator: city }
            tool: { kind: noop, result: "{{ loop_index }}:{{ city | upper }}" }
            next: par
          - step: par
            loop: { in: "{{ workload.cities }}", iterator: city, mode: parallel }
            tool: { kind: http, url: "${server.url}/?item={{ city }}" }
            vars: { fetched: "{{ result.stats.total }}" }
            next: end
          - step: end
            tool: { kind: noop, result: { seq: "{{ seq.results }}", items: "{{ par.results | map(attribute='body') | map(attribute='item') | list }}", n: "{{ vars.fetched }}" } }
      `);
      const { detail, events } = await run('t/loops');
      expect(detail.error).toBeNull();
      expect(detail.status).toBe('COMPLETED');
      expect(detail.result).toEqual({
        seq: ['0:OSLO', '1:ROME', '2:LIMA'],
        items: ['oslo', 'rome', 'lima'],
        n: 3,
      });
      expect(maxInFlight).toBe(3);
      const seqItems = events
        .filter((e) => e.type === 'loop.item' && e.step === 'seq')
        .map((e) => (e.result as { index: number }).index);
      expect(seqItems).toEqual([0, 1, 2]);
      expect(events.filter((e) => e.type === 'loop.item' && e.step === 'par')).toHaveLength(3);
      expect(events.filter((e) => e.type === 'loop.done').map((e) => e.step)).toEqual(['seq', 'par']);
    } finally {
      await server.close();
    }
  });

  it('runs independent branches concurrently and a shared step once; next passes args', async () => {
    const arrived: string[] = [];
    const held: Array<() => void> = [];
    const server = await startHttpServer((req, res) => {
      arrived.push(req.url!);
      held.push(() => res.end('ok'));
      if (held.length === 2) held.splice(0).forEach((f) => f());
    });
    try {
      await register(yaml`
        apiVersion: noetl.io/v2
        kind: Playbook
        metadata: { name: branches, path: t/branches }
        workflow:
          - step: start
            next:
              - { step: left, args: { side: L } }
              - { step: right, args: { side: R } }
          - step: left
            args: { side: default }
            tool: { kind: http, url: "${server.url}/{{ args.side }}" }
            next: join
          - step: right
            tool: { kind: http, url: "${server.url}/{{ args.side }}" }
            next: join
          - step: join
            tool: { kind: noop, result: { joined: true } }
      `);
      const { detail, events } = await run('t/branches');
      expect(detail.error ?? detail.status).toBe('COMPLETED');
      expect(arrived.sort()).toEqual(['/L', '/R']);
      expect(events.filter((e) => e.type === 'step.enter' && e.step === 'join')).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it('workbook tasks, step vars, case result/set/fail and templates over earlier results', async () => {
    await register(yaml`
      apiVersion: noetl.io/v2
      kind: Playbook
      metadata: { name: wb, path: t/workbook }
      workload: { amount: 7 }
      workbook:
        - name: double
          tool: { kind: noop, result: "{{ args.value * 2 }}" }
      workflow:
        - step: start
          next: calc
        - step: calc
          tool: { kind: workbook, name: double, args: { value: "{{ workload.amount }}" } }
          vars: { doubled: "{{ result }}" }
          case:
            - when: "{{ result > 100 }}"
              then: { fail: "too big: {{ result }}" }
            - when: "{{ result > 10 }}"
              then: { result: { big: "{{ result }}" }, next: report }
          next: end
        - step: report
          tool: { kind: noop, result: { calc: "{{ calc }}", doubled: "{{ vars.doubled }}", id: "{{ execution_id }}" } }
        - step: end
    `);
    const ok = await run('t/workbook');
    expect(ok.detail.result).toEqual({ calc: { big: 14 }, doubled: { big: 14 }, id: ok.id });
    const failed = await run('t/workbook', { amount: 60 });
    expect(failed.detail.status).toBe('FAILED');
    expect(failed.detail.error).toMatch(/step "calc" failed: too big: 120/);
    expect(failed.events.at(-1)!.type).toBe('playbook.failed');
  });

  it('a failed call fails the execution unless a case handles the error; per-step timeout', async () => {
    const server = await startHttpServer(() => undefined); // never answers
    try {
      await register(yaml`
        apiVersion: noetl.io/v2
        kind: Playbook
        metadata: { name: timeouts, path: t/timeout }
        workload: { handle: false }
        workflow:
          - step: start
            timeout: 0.3
            tool: { kind: http, url: "${server.url}/slow" }
            case:
              - when: "{{ error and workload.handle }}"
                then: { next: fallback }
          - step: fallback
            tool: { kind: noop, result: { recovered: "{{ error is defined }}" } }
      `);
      const failed = await run('t/timeout');
      expect(failed.detail.status).toBe('FAILED');
      expect(failed.detail.error).toMatch(/timed out after 0.3 s/);
      expect(failed.events.find((e) => e.type === 'call.error')?.step).toBe('start');
      const handled = await run('t/timeout', { handle: true });
      expect(handled.detail.status).toBe('COMPLETED');
      expect(handled.events.some((e) => e.type === 'step.enter' && e.step === 'fallback')).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('python tool: args as variables, result; a failing script fails the step with its message', async () => {
    await register(yaml`
      apiVersion: noetl.io/v2
      kind: Playbook
      metadata: { name: py, path: t/python }
      workload: { xs: [3, 1, 2] }
      workflow:
        - step: start
          args: { xs: "{{ workload.xs }}", label: sorted }
          tool:
            kind: python
            code: |
              result = {label: sorted(xs), "total": sum(xs), "name": workload["xs"][0]}
    `);
    const ok = await run('t/python');
    expect(ok.detail.status).toBe('COMPLETED');
    expect(ok.detail.result).toEqual({ sorted: [1, 2, 3], total: 6, name: 3 });

    // A missing interpreter is reported by the worker (libs/playbook-tools tests PYTHON_UNAVAILABLE); here the
    // failure of python code itself reaches the execution with its message.
    await register(yaml`
      apiVersion: noetl.io/v2
      kind: Playbook
      metadata: { name: py-broken, path: t/python-broken }
      workflow:
        - step: start
          tool: { kind: python, code: "raise ValueError('no such thing')" }
    `);
    const broken = await run('t/python-broken');
    expect(broken.detail.status).toBe('FAILED');
    expect(broken.detail.error).toMatch(/ValueError: no such thing/);
  });

  it('keeps events small: a huge result is previewed in the event, steps still see all of it', async () => {
    await register(yaml`
      apiVersion: noetl.io/v2
      kind: Playbook
      metadata: { name: big, path: t/big }
      workflow:
        - step: start
          tool: { kind: python, code: "result = 'x' * 300000" }
          next: measure
        - step: measure
          tool: { kind: noop, result: { length: "{{ start | length }}" } }
    `);
    const { detail, events } = await run('t/big');
    expect(detail.result).toEqual({ length: 300000 });
    const big = events.find((e) => e.type === 'call.done' && e.step === 'start')!.result as {
      truncated: boolean;
      bytes: number;
      preview: string;
    };
    expect(big).toMatchObject({ truncated: true, bytes: 300002 });
    expect(big.preview.length).toBe(1000);
  });

  it('postgres tool without a credential is refused: no step reaches the engine database', async () => {
    await register(yaml`
      apiVersion: noetl.io/v2
      kind: Playbook
      metadata: { name: pg, path: t/postgres }
      workflow:
        - step: start
          tool: { kind: postgres, query: "SELECT * FROM credentials" }
    `);
    const { detail, events } = await run('t/postgres');
    expect(detail.status).toBe('FAILED');
    expect(events.find((e) => e.type === 'call.error')!.error).toMatch(/credential/i);
    expect(JSON.stringify(events)).not.toMatch(/"rows"/);
  });

  it('playbook tool: child execution with parent id and return_step; a failing child fails the parent', async () => {
    await register(yaml`
      apiVersion: noetl.io/v2
      kind: Playbook
      metadata: { name: child, path: t/child }
      workload: { n: 1 }
      workflow:
        - step: start
          next: square
        - step: square
          tool: { kind: noop, result: "{{ workload.n * workload.n }}" }
          case:
            - when: "{{ result > 50 }}"
              then: { fail: "n too large" }
          next: end
        - step: end
          tool: { kind: noop, result: done }
    `);
    await register(yaml`
      apiVersion: noetl.io/v2
      kind: Playbook
      metadata: { name: parent, path: t/parent }
      workload: { n: 4 }
      workflow:
        - step: start
          tool: { kind: playbook, path: t/child, args: { n: "{{ workload.n }}" }, return_step: square }
          next: after
        - step: after
          tool: { kind: noop, result: { squared: "{{ start }}" } }
    `);
    const { detail, id } = await run('t/parent');
    expect(detail.result).toEqual({ squared: 16 });
    const children = await eng.client.listExecutions({ parent_execution_id: id });
    expect(children.executions).toHaveLength(1);
    expect(children.executions[0]).toMatchObject({
      path: 't/child',
      status: 'COMPLETED',
      parent_execution_id: id,
      result: 'done',
    });
    const childEvents = await eng.client.getExecutionEvents(children.executions[0]!.execution_id);
    expect(childEvents.events.every((e) => e.parentExecutionId === id)).toBe(true);

    const failed = await run('t/parent', { n: 9 });
    expect(failed.detail.status).toBe('FAILED');
    expect(failed.detail.error).toMatch(
      /child execution \d+ \(t\/child\) ended FAILED: step "square" failed: n too large/,
    );
  });
});

describe('cancel', () => {
  it('cancels an execution and its children: running steps stop, statuses end CANCELLED', async () => {
    let closed = 0;
    let arrivedResolve!: () => void;
    const arrived = new Promise<void>((r) => (arrivedResolve = r));
    const server = await startHttpServer((req) => {
      req.socket.on('close', () => closed++);
      arrivedResolve();
    });
    try {
      await register(yaml`
        apiVersion: noetl.io/v2
        kind: Playbook
        metadata: { name: hang, path: t/hang }
        workflow:
          - step: start
            tool: { kind: http, url: "${server.url}/hang" }
      `);
      await register(yaml`
        apiVersion: noetl.io/v2
        kind: Playbook
        metadata: { name: hang_parent, path: t/hang_parent }
        workflow:
          - step: start
            tool: { kind: playbook, path: t/hang }
            next: never
          - step: never
            tool: { kind: noop }
      `);
      const started = await eng.client.runPlaybook({ path: 't/hang_parent' });
      const parentEvents = collectEvents(nc, started.execution_id);
      await arrived;
      const child = (await eng.client.listExecutions({ parent_execution_id: started.execution_id }))
        .executions[0]!;
      const childEvents = collectEvents(nc, child.execution_id);
      const answer = await eng.client.cancelExecution(started.execution_id, { reason: 'test says stop' });
      expect(answer.status).toBe('cancelled');
      expect(answer.execution_status).toBe('CANCELLED');
      expect(answer.cancelled_executions.sort()).toEqual([started.execution_id, child.execution_id].sort());
      const pe = await parentEvents;
      const ce = await childEvents;
      expect(pe.at(-1)).toMatchObject({
        type: 'execution.cancelled',
        status: 'CANCELLED',
        error: 'test says stop',
      });
      expect(ce.at(-1)).toMatchObject({ type: 'execution.cancelled', status: 'CANCELLED' });
      await eng.engine.engine.settle(started.execution_id);
      await eng.engine.engine.settle(child.execution_id);
      // Nothing is written after the terminal event, and the hanging request was aborted.
      expect(executionEventsOf(await eng.client.getExecution(started.execution_id))).toEqual(pe);
      expect(executionEventsOf(await eng.client.getExecution(child.execution_id))).toEqual(ce);
      expect(closed).toBe(1);
      const again = await eng.client.cancelExecution(started.execution_id, {});
      expect(again.cancelled_executions).toEqual([]);
      expect(again.status).toBe('already_completed');
    } finally {
      await server.close();
    }
  });
});

describe('admission', () => {
  it('runs at most MAX_ACTIVE_EXECUTIONS top-level executions; the rest wait INITIALIZED', async () => {
    const requests: string[] = [];
    const server = await startHttpServer((req) => {
      requests.push(req.url!);
    });
    const limited = await startEngine({
      natsUrl: nats.url,
      database: db,
      env: { MAX_ACTIVE_EXECUTIONS: '1' },
    });
    try {
      await limited.client.registerPlaybook(yaml`
        apiVersion: noetl.io/v2
        kind: Playbook
        metadata: { name: slot, path: t/slot }
        workflow:
          - step: start
            tool: { kind: http, url: "${server.url}/{{ workload.tag }}" }
      `);
      const a = await limited.client.runPlaybook({ path: 't/slot', args: { tag: 'a' } });
      const b = await limited.client.runPlaybook({ path: 't/slot', args: { tag: 'b' } });
      const bEvents = collectEvents(nc, b.execution_id);
      await waitFor('the first execution to call out', async () => requests.length === 1);
      expect((await limited.client.getExecutionStatus(b.execution_id)).status).toBe('INITIALIZED');
      await limited.client.cancelExecution(a.execution_id, { reason: 'make room' });
      await waitFor('the second execution to call out', async () => requests.length === 2);
      expect(requests).toEqual(['/a', '/b']);
      await limited.client.cancelExecution(b.execution_id, {});
      expect((await bEvents).map((e) => e.type)).toEqual([
        'playbook.initialized',
        'workflow.initialized',
        'step.enter',
        'execution.cancelled',
      ]);
    } finally {
      await limited.stop();
      await server.close();
    }
  });
});

describe('restart recovery', () => {
  it('fails executions left running by a stopped engine and resumes ones that never started', async () => {
    const shared = { natsUrl: nats.url, database: db, env: { EXECUTION_LEASE_MS: '300' } };
    let reached!: () => void;
    const gate = new Promise<void>((r) => (reached = r));
    const server = await startHttpServer(() => reached());
    const first = await startEngine(shared);
    let second: RunningEngine | undefined;
    try {
      await first.client.registerPlaybook(yaml`
        apiVersion: noetl.io/v2
        kind: Playbook
        metadata: { name: stuck, path: t/stuck }
        workflow:
          - step: start
            tool: { kind: http, url: "${server.url}/stuck" }
      `);
      const running = await first.client.runPlaybook({ path: 't/stuck' });
      const events = collectEvents(nc, running.execution_id);
      await gate;
      // An execution created but never started (its engine died right after writing it).
      const store = first.engine.engine as unknown as { deps: { executions: ExecutionStore } };
      const hello = await first.client.getCatalogResource({ path: 't/hello', version: 2 });
      await store.deps.executions.create({
        executionId: '99000000000000001',
        path: 't/hello',
        version: 2,
        catalogId: hello.catalog_id,
        parentExecutionId: null,
        args: { name: 'again' },
        owner: 'dead-engine',
        leaseMs: 1,
      });
      await store.deps.executions.append('99000000000000001', {
        type: 'playbook.initialized',
        status: 'INITIALIZED',
      });
      await first.stop();
      second = await startEngine(shared);
      const got = await events;
      expect(got.at(-1)).toMatchObject({ type: 'playbook.failed', status: 'FAILED' });
      expect(got.at(-1)!.error).toMatch(/stopped before it finished/);
      const resumed = await collectEvents(nc, '99000000000000001');
      expect(resumed.at(-1)).toMatchObject({ type: 'playbook.completed', result: 'Hello again' });
    } finally {
      await second?.stop();
      await server.close();
    }
  });
});

describe('credentials', () => {
  it('stores credential data encrypted, never returns it, and rejects use without a key', async () => {
    const saved = await eng.client.putCredential({
      name: 'warehouse',
      type: 'postgres',
      data: { password: 'hunter2-secret' },
    });
    expect(saved).toMatchObject({ name: 'warehouse', type: 'postgres' });
    expect(JSON.stringify(await eng.client.listCredentials())).not.toContain('hunter2');
    const rows = await db.query<{ data_encrypted: string }>(
      'SELECT data_encrypted FROM credentials WHERE name = $1',
      ['warehouse'],
    );
    expect(rows[0]!.data_encrypted).toMatch(/^v1:/);
    expect(rows[0]!.data_encrypted).not.toContain('hunter2');
    const keyless = await startEngine({ natsUrl: nats.url, database: db });
    try {
      const error = await keyless.client.putCredential({ name: 'x', data: {} }).catch((e: EngineError) => e);
      expect((error as EngineError).status).toBe(503);
    } finally {
      await keyless.stop();
    }
    await eng.client.deleteCredential('warehouse');
    expect((await eng.client.listCredentials()).items).toEqual([]);
  });
});

describe('engine client', () => {
  it('reports an unreachable engine as unavailable', async () => {
    const { createEngineClient } = await import('@switchyard/engine-client');
    const client = createEngineClient({ baseUrl: 'http://127.0.0.1:1', timeoutMs: 1_000 });
    const error = await client.health().catch((e: unknown) => e);
    expect(isEngineUnavailable(error)).toBe(true);
    await client.close();
  });
});
