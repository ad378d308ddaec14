/**
 * NoETL 2.5 compatibility suite: one playbook per feature, written in NoETL's DSL, run on the real engine
 * (NATS, workers, PGlite and Postgres as the engine store, a real Postgres for steps), asserting what
 * NoETL 2.5.12 produces. Each test names the NoETL source (noetl/noetl at tag v2.5.12) its rule is read from.
 * The Jinja2 rendering table lives in libs/playbook-templates/src/jinja-compat.test.ts.
 */
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import type { NatsConnection } from '@nats-io/transport-node';
import { validatePlaybookText } from '@switchyard/playbook-dsl';
import { startNats, startPostgres, type TestNats, type TestPostgres } from '@switchyard/testing';
import { openPglite } from './storage/database.js';
import {
  collectEvents,
  natsClient,
  startEngine,
  startHttpServer,
  yaml,
  type RunningEngine,
} from './test-fixtures/harness.js';
import { createPlaygroundDatabase } from './test-fixtures/playground-database.js';

let postgres: TestPostgres;
let playgroundUrl: string;
let api: { url: string; close(): Promise<void> };
/** Requests the test API saw, by key. */
const hits = new Map<string, number>();

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

beforeAll(async () => {
  postgres = await startPostgres();
  playgroundUrl = await createPlaygroundDatabase(postgres.url, 'compat_playground');
  api = await startHttpServer((req, res, body) => {
    const u = new URL(req.url!, 'http://x');
    const key = u.searchParams.get('key') ?? u.pathname;
    hits.set(key, (hits.get(key) ?? 0) + 1);
    if (u.pathname === '/echo') {
      json(res, 200, {
        method: req.method,
        query: Object.fromEntries(u.searchParams),
        body: body ? (JSON.parse(body) as unknown) : null,
      });
    } else if (u.pathname === '/flaky') {
      // Fails until the `ok_after`-th request of its key.
      const okAfter = Number(u.searchParams.get('ok_after') ?? '1000');
      if (hits.get(key)! >= okAfter) json(res, 200, { ok: true, attempt: hits.get(key) });
      else json(res, 503, { ok: false });
    } else if (u.pathname === '/pages') {
      const page = Number(u.searchParams.get('page') ?? '1');
      json(res, 200, {
        items: [page * 10 + 1, page * 10 + 2],
        paging: { hasMore: page < 3, next: page + 1 },
      });
    } else json(res, 404, {});
  });
}, 120_000);

afterAll(async () => {
  await api?.close();
  await postgres?.stop();
});

describe.each(['pglite', 'postgres'] as const)('NoETL 2.5 playbooks on the engine (%s store)', (store) => {
  let nats: TestNats;
  let nc: NatsConnection;
  let eng: RunningEngine;
  let closeDb: (() => Promise<void>) | undefined;
  const table = `sink_${store}`;

  beforeAll(async () => {
    nats = await startNats();
    nc = await natsClient(nats.url);
    const env: Record<string, string> = {
      CREDENTIALS_KEY: 'compat-key-0123456789abcdef',
      ENGINE_MAX_STEP_VISITS: '20',
    };
    if (store === 'postgres') {
      eng = await startEngine({ natsUrl: nats.url, env: { ...env, DATABASE_URL: postgres.url } });
    } else {
      const db = await openPglite(':memory:');
      closeDb = () => db.close();
      eng = await startEngine({ natsUrl: nats.url, database: db, env });
    }
    const u = new URL(playgroundUrl);
    await eng.client.putCredential({
      name: 'compat_pg',
      type: 'postgres',
      data: {
        host: u.hostname,
        port: Number(u.port),
        user: decodeURIComponent(u.username),
        password: decodeURIComponent(u.password),
        database: 'compat_playground',
      },
    });
    const client = new pg.Client({ connectionString: playgroundUrl });
    await client.connect();
    await client.query(`CREATE TABLE ${table} (name text PRIMARY KEY, len int)`);
    await client.end();
  }, 120_000);

  afterAll(async () => {
    await eng?.stop();
    await closeDb?.();
    await nc?.close();
    await nats?.stop();
  });

  /** Registers a playbook (its path is `compat/<name>`), runs it, and returns its execution. */
  async function run(name: string, body: string, args: Record<string, unknown> = {}) {
    const content = `apiVersion: noetl.io/v2\nkind: Playbook\nmetadata: { name: ${name}, path: compat/${name} }\n${body}`;
    await eng.client.registerPlaybook(content);
    const started = await eng.client.runPlaybook({ path: `compat/${name}`, args });
    const events = await collectEvents(nc, started.execution_id, 60_000);
    const detail = await eng.client.getExecution(started.execution_id);
    const entered = (step: string) => events.filter((e) => e.type === 'step.enter' && e.step === step).length;
    return { detail, events, entered };
  }

  it('tool keys: auth {}, libs, args inside tool (under step args), python env', async () => {
    // noetl/worker/v2_worker_nats.py `_execute_command`: args = {**tool_config.args, **args};
    // noetl/tools/python/executor.py: `libs` {alias: module | {from, import}} prepended as imports; `env` set
    // while the code runs.
    const { detail } = await run(
      'tool_keys',
      yaml`
        workload: { base: 40 }
        workflow:
          - step: start
            args: { extra: 2 }
            tool:
              kind: python
              auth: {}
              libs: { j: json, od: { from: collections, import: OrderedDict } }
              env: { GREETING: hello }
              args: { n: "{{ workload.base }}", extra: 1 }
              code: |
                import os
                result = {"sum": n + extra, "dumped": j.dumps(od(a=1)), "greeting": os.environ["GREETING"]}
      `,
    );
    expect(detail.status).toBe('COMPLETED');
    expect(detail.result).toEqual({ sum: 42, dumped: '{"a": 1}', greeting: 'hello' });
  });

  it('http: endpoint, data routed to the query (GET) or body (POST), payload; response.data', async () => {
    // noetl/tools/http/executor.py reads `endpoint` (or `url`); noetl/tools/http/request.py
    // `build_request_args`: GET/DELETE send data (or data.query) as the query, POST/PUT/PATCH send data.body
    // (or data) as the JSON body, else `payload`; noetl/tools/http/response.py puts the body under `data`.
    const { detail } = await run(
      'http_forms',
      yaml`
        workload: { term: cats }
        workflow:
          - step: start
            tool: { kind: http, method: GET, endpoint: "${api.url}/echo", data: { q: "{{ workload.term }}", page: 2 } }
            next: post
          - step: post
            tool: { kind: http, method: POST, endpoint: "${api.url}/echo", data: { query: { v: 1 }, body: { name: x } } }
            next: put
          - step: put
            tool: { kind: http, method: PUT, endpoint: "${api.url}/echo", payload: { k: 1 } }
            next: done
          - step: done
            tool:
              kind: python
              args: { got: "{{ start.data }}", posted: "{{ post.data }}", put: "{{ put.data.body }}" }
              code: "result = {'get': got, 'post': posted, 'put': put}"
      `,
    );
    expect(detail.error).toBeNull();
    expect(detail.result).toEqual({
      get: { method: 'GET', query: { q: 'cats', page: '2' }, body: null },
      post: { method: 'POST', query: { v: '1' }, body: { name: 'x' } },
      put: { k: 1 },
    });
  });

  it('workbook tool: task and with; playbook tool: payload as the child input', async () => {
    // noetl/core/workflow/workbook/executor.py: task_config.get("task") or .get("name"); the step's args merge
    // over the task's. The playbook tool passes its input to the child execution (noetl/core/workflow/playbook).
    await eng.client.registerPlaybook(yaml`
      apiVersion: noetl.io/v2
      kind: Playbook
      metadata: { name: child, path: compat/child }
      workload: { x: 0 }
      workflow:
        - step: start
          tool: { kind: python, args: { x: "{{ workload.x }}" }, code: "result = {'double': x * 2}" }
    `);
    const { detail } = await run(
      'workbook_forms',
      yaml`
        workbook:
          - name: multiply
            tool: { kind: python, code: "result = a * b" }
        workflow:
          - step: start
            tool: { kind: workbook, task: multiply, with: { a: 6, b: 7 } }
            next: child
          - step: child
            tool: { kind: playbook, path: compat/child, payload: { x: "{{ start }}" } }
      `,
    );
    expect(detail.error).toBeNull();
    expect(detail.result).toEqual({ double: 84 });
  });

  it('case: then as a list, set as a list, event.name, results by step name; the first match wins', async () => {
    // noetl/core/dsl/v2/engine.py `_process_case_rules` (first match wins), `_process_then_actions` (then
    // normalised to a list; set stores variables, visible as {{ name }} and {{ vars.name }}),
    // `get_render_context` (step results by name; event.name), `_evaluate_condition` (a condition that fails
    // to render does not hold), `_process_vars_block` (a rendered JSON string is parsed).
    const { detail, entered } = await run(
      'then_list',
      yaml`
        workflow:
          - step: start
            tool: { kind: python, code: "result = {'score': 7}" }
            case:
              - when: "{{ nothing.here == 1 }}"
                then: { next: low }
              - when: "{{ event.name == 'call.done' and result.score > 5 }}"
                then:
                  - set:
                      - name: level
                        value: high
                      - name: seen
                        value: "{{ result.score }}"
                  - next: report
              - when: "{{ event.name == 'call.done' }}"
                then:
                  next: low
            vars: { doc: "{{ result | tojson }}" }
            next: low
          - step: low
            tool: { kind: python, code: "result = 'low'" }
          - step: report
            tool:
              kind: python
              args: { level: "{{ vars.level }}", seen: "{{ seen }}", raw: "{{ start.score }}", doc: "{{ vars.doc.score }}" }
              code: "result = {'level': level, 'seen': seen, 'raw': raw, 'doc': doc}"
      `,
    );
    expect(detail.result).toEqual({ level: 'high', seen: 7, raw: 7, doc: 7 });
    expect(entered('low')).toBe(0);
  });

  it('case.then retry: re-runs the step until max_attempts; exhausted, the step ends the workflow', async () => {
    // noetl/core/dsl/v2/engine.py `_process_then_actions` "retry": a new command for the same step while
    // event.attempt < max_attempts (default 3); past it the action is skipped, no command is made, and
    // `handle_event` completes the workflow at that step (is_effective_terminal) with its result. The worker's
    // case context has the http `status_code` at the top (`_evaluate_case_blocks_with_event`).
    const ok = await run(
      'retry_ok',
      yaml`
        workflow:
          - step: start
            tool: { kind: http, endpoint: "${api.url}/flaky?key=retry-ok-${store}&ok_after=3" }
            case:
              - when: "{{ event.name == 'call.done' and status_code == 503 }}"
                then:
                  retry: { max_attempts: 5, delay: 0 }
              - when: "{{ response.status_code == 200 }}"
                then:
                  next: done
          - step: done
            tool: { kind: python, args: { body: "{{ start.data }}" }, code: "result = body" }
      `,
    );
    expect(ok.detail.result).toEqual({ ok: true, attempt: 3 });
    expect(ok.entered('start')).toBe(3);
    const spent = await run(
      'retry_spent',
      yaml`
        workflow:
          - step: start
            tool: { kind: http, endpoint: "${api.url}/flaky?key=retry-spent-${store}" }
            case:
              - when: "{{ response.status_code == 503 }}"
                then:
                  retry: { max_attempts: 2 }
      `,
    );
    expect(hits.get(`retry-spent-${store}`)).toBe(2);
    expect(spent.detail.status).toBe('COMPLETED');
    expect(spent.detail.result).toMatchObject({ status_code: 503, data: { ok: false } });
  });

  it('case.then collect + pagination retry: pages gathered into _all_collected_items', async () => {
    // noetl/core/dsl/v2/engine.py: "collect" (strategy append|extend|replace, `path` into the response),
    // a retry carrying `params` re-runs the step with those params (the http tool merges them,
    // noetl/tools/http/executor.py), and when no retry follows, the result gains `_pagination` and
    // `_all_collected_items` (`handle_event`).
    const { detail, entered } = await run(
      'pagination',
      yaml`
        workflow:
          - step: start
            tool: { kind: http, endpoint: "${api.url}/pages", params: { page: 1 } }
            case:
              - when: "{{ response.data.paging.hasMore }}"
                then:
                  - collect: { path: data.items, strategy: extend }
                  - retry: { params: { page: "{{ response.data.paging.next }}" } }
              - when: "{{ not response.data.paging.hasMore }}"
                then:
                  - collect: { path: data.items, strategy: extend }
                  - next: done
          - step: done
            tool:
              kind: python
              args: { items: "{{ start._all_collected_items }}", pages: "{{ start._pagination.pages_collected }}" }
              code: "result = {'items': items, 'pages': pages}"
      `,
    );
    expect(detail.error).toBeNull();
    expect(detail.result).toEqual({ items: [11, 12, 21, 22, 31, 32], pages: 3 });
    expect(entered('start')).toBe(3);
  });

  it('case.then sink: runs the sink tool per call (per loop item) with the response as result', async () => {
    // noetl/worker/v2_worker_nats.py `_execute_case_sinks`: after each call, a matching case's sink runs
    // with result/response/this = the call's response; the step's own result is unchanged. A postgres
    // sink's `statement` is its SQL; `table` + `args` (+ mode: upsert, key) writes one row.
    const { detail } = await run(
      'sinks',
      yaml`
        workload: { cities: [oslo, rome, lima] }
        workflow:
          - step: start
            loop: { in: "{{ workload.cities }}", iterator: city }
            tool: { kind: python, args: { name: "{{ city }}" }, code: "result = {'name': name, 'len': len(name)}" }
            case:
              - when: "{{ event.name == 'call.done' }}"
                then:
                  sink:
                    tool:
                      kind: postgres
                      auth: compat_pg
                      table: ${table}
                      mode: upsert
                      key: name
                      args: { name: "{{ result.name }}", len: "{{ result.len }}" }
            next: log
          - step: log
            tool: { kind: python, code: "result = 'logged'" }
            case:
              - when: "{{ event.name == 'call.done' }}"
                then:
                  - sink:
                      tool:
                        kind: postgres
                        auth: { credential: compat_pg }
                        statement: "INSERT INTO ${table} (name, len) VALUES ('{{ result }}', 0)"
      `,
    );
    expect(detail.error).toBeNull();
    expect(detail.result).toBe('logged');
    const client = new pg.Client({ connectionString: playgroundUrl });
    await client.connect();
    const rows = await client.query(`SELECT name, len FROM ${table} ORDER BY name`);
    await client.end();
    expect(rows.rows).toEqual([
      { name: 'lima', len: 4 },
      { name: 'logged', len: 0 },
      { name: 'oslo', len: 4 },
      { name: 'rome', len: 4 },
    ]);
  });

  it('the end of a workflow: a step without next or case ends it with its result; later steps do not run', async () => {
    // noetl/core/dsl/v2/engine.py `handle_event`: step.exit of a step with no next and no case, and no
    // command generated -> workflow.completed / playbook.completed with final_step's result.
    const { detail, entered, events } = await run(
      'workflow_end',
      yaml`
        workflow:
          - step: start
            tool: { kind: python, code: "result = {'ended': 'start'}" }
          - step: listed_after
            tool: { kind: python, code: "result = 'never'" }
      `,
    );
    expect(detail.status).toBe('COMPLETED');
    expect(detail.result).toEqual({ ended: 'start' });
    expect(entered('listed_after')).toBe(0);
    expect(events.find((e) => e.type === 'workflow.completed')?.result).toEqual({ ended: 'start' });
  });

  it('case.then call: invokes a step with rendered args', async () => {
    // noetl/core/dsl/v2/engine.py `_process_then_actions` "call": a command for call.step with its args
    // rendered in the calling step's context.
    const { detail } = await run(
      'call',
      yaml`
        workflow:
          - step: start
            tool: { kind: python, code: "result = 5" }
            case:
              - when: "{{ result == 5 }}"
                then:
                  call: { step: square, args: { n: "{{ result }}" } }
          - step: square
            tool: { kind: python, code: "result = n * n" }
      `,
    );
    expect(detail.result).toBe(25);
  });

  it('errors: call.error with `error` routes to a handler; a match that only sets variables still fails', async () => {
    // noetl/worker/v2_worker_nats.py: a failing tool answers {status: "error", error} and emits call.error;
    // noetl/core/dsl/v2/engine.py `handle_event`: has_error and no command -> workflow.failed.
    const handled = await run(
      'error_handled',
      yaml`
        workflow:
          - step: start
            tool: { kind: python, code: "raise ValueError('bad input')" }
            case:
              - when: "{{ event.name == 'call.error' }}"
                then:
                  next: [{ step: recover, args: { why: "{{ error }}", status: "{{ response.status }}" } }]
          - step: recover
            tool: { kind: python, code: "result = {'why': why, 'status': status}" }
      `,
    );
    expect(handled.detail.status).toBe('COMPLETED');
    expect(handled.detail.result).toMatchObject({ status: 'error' });
    expect((handled.detail.result as { why: string }).why).toContain('bad input');
    // The failed step's result is the error answer (step.exit's result is error_response).
    const exit = handled.events.find((e) => e.type === 'step.exit' && e.step === 'start');
    expect(exit?.result).toMatchObject({ status: 'error' });
    const unhandled = await run(
      'error_unhandled',
      yaml`
        workflow:
          - step: start
            tool: { kind: python, code: "raise ValueError('still bad')" }
            case:
              - when: "{{ event.name == 'call.error' }}"
                then:
                  set: { noted: true }
      `,
    );
    expect(unhandled.detail.status).toBe('FAILED');
    expect(unhandled.detail.error).toContain('still bad');
  });

  it('loops: the iterator and loop_index are rendered per item into args and python; {results, stats}', async () => {
    // noetl/core/dsl/v2/engine.py `_create_command_for_step`: state.variables[iterator] = item and
    // loop_index = index before the args are rendered, once per item.
    const { detail } = await run(
      'loop_args',
      yaml`
        workload: { users: [{ name: ann, age: 30 }, { name: bob, age: 40 }] }
        workflow:
          - step: start
            loop: { in: "{{ workload.users }}", iterator: user }
            tool:
              kind: python
              args: { user: "{{ user }}", label: "{{ loop_index }}-{{ user.name }}" }
              code: "result = {'label': label, 'older': user['age'] + 1}"
      `,
    );
    expect(detail.error).toBeNull();
    // ExecutionState.get_loop_aggregation: the loop step's result is {results, stats}.
    expect(detail.result).toEqual({
      results: [
        { label: '0-ann', older: 31 },
        { label: '1-bob', older: 41 },
      ],
      stats: { total: 2, success: 2, failed: 0 },
    });
  });

  it('python: main() with keyword args from args and data; no result gives the status object', async () => {
    // noetl/tools/python/executor.py `_coerce_param` (a string holding a JSON/dict literal is parsed),
    // `_build_call_kwargs` (args, then context data) and, without main and
    // without `result`, {status: "success", message, locals_count, locals_keys}.
    const { detail } = await run(
      'python_main',
      yaml`
        workload: { data: { rows: [1, 2, 3] } }
        workflow:
          - step: start
            tool:
              kind: python
              args: { factor: 10, extra: '{"add": 1}' }
              code: |
                def main(factor, rows, extra):
                    return [r * factor + extra["add"] for r in rows]
            next: bare
          - step: bare
            tool: { kind: python, code: "x = 1" }
            next: done
          - step: done
            tool: { kind: python, args: { main: "{{ start }}", bare: "{{ bare }}" }, code: "result = {'main': main, 'bare': bare, 'ctx': context['execution_id'] == execution_id}" }
      `,
    );
    expect(detail.result).toEqual({
      main: [11, 21, 31],
      ctx: true,
      bare: {
        status: 'success',
        message: 'Code executed without explicit result variable',
        locals_count: 1,
        locals_keys: ['x'],
      },
    });
  });

  it('loop-back cycles run again; a cycle that does not end stops at ENGINE_MAX_STEP_VISITS', async () => {
    // noetl/core/dsl/v2/engine.py: every `next` makes a new command, so a step reached again runs again.
    const counted = await run(
      'cycle',
      yaml`
        workflow:
          - step: start
            next: count
          - step: count
            tool: { kind: python, args: { n: "{{ vars.seen | default(0) }}" }, code: "result = n + 1" }
            case:
              - when: "{{ result < 3 }}"
                then:
                  - set: { seen: "{{ result }}" }
                  - next: count
            next: done
          - step: done
            tool: { kind: python, args: { c: "{{ count }}" }, code: "result = {'count': c}" }
      `,
    );
    expect(counted.detail.result).toEqual({ count: 3 });
    expect(counted.entered('count')).toBe(3);
    const endless = await run(
      'endless',
      yaml`
        workflow:
          - step: start
            next: spin
          - step: spin
            tool: { kind: python, code: "result = 1" }
            case:
              - when: "{{ true }}"
                then: { next: spin }
      `,
    );
    expect(endless.detail.status).toBe('FAILED');
    expect(endless.detail.error).toMatch(
      /step "spin" was reached more than 20 times \(ENGINE_MAX_STEP_VISITS\)/,
    );
    expect(endless.entered('spin')).toBe(20);
  });

  it('spec/assert blocks, ignored keys, duplicate YAML keys and duplicate step names: accepted with warnings', async () => {
    // NoETL's pydantic models (noetl/core/dsl/v2/models.py) ignore unknown playbook and step keys and let a
    // tool carry any key; PyYAML keeps the last of duplicate keys; `ExecutionState.get_step` returns the
    // first step of a name.
    const body = yaml`
      spec:
        jobId: "{{ job.uuid }}"
      workload: { n: 1 }
      workload: { n: 2 }
      workflow:
        - step: start
          desc: first
          owner: team-a
          tool:
            kind: python
            args: { n: "{{ workload.n }}" }
            assert: { expects: [n], returns: [value] }
            code: "result = {'value': n}"
          next: after
        - step: after
          tool: { kind: python, code: "result = 'first'" }
        - step: after
          tool: { kind: python, code: "result = 'second'" }
    `;
    const content = `apiVersion: noetl.io/v2\nkind: Playbook\nmetadata: { name: x, path: compat/warned }\n${body}`;
    expect(validatePlaybookText(content).ok).toBe(true);
    // The registration answer carries the warnings (NoETL's answer plus our additive `warnings`).
    const { warnings = [] } = await eng.client.registerPlaybook(content);
    expect(warnings.map((w) => w.path).sort()).toEqual(
      ['spec', 'workload', 'workflow[0].owner', 'workflow[0].tool.assert', 'workflow[2].step'].sort(),
    );
    const { detail, entered } = await run('ignored_keys', body);
    expect(detail.result).toBe('first');
    expect(entered('after')).toBe(1);
    const start = detail.events.find((e) => e.type === 'step.exit' && e.step === 'start');
    expect(start?.result).toEqual({ value: 2 });
  });
});
