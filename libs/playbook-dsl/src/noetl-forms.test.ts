import { describe, expect, it } from 'vitest';
import { validatePlaybookText, type ValidationResult } from './validate.js';

const head = 'apiVersion: noetl.io/v2\nkind: Playbook\nmetadata: { name: t, path: t/p }\n';

function accepted(body: string) {
  const checked: ValidationResult = validatePlaybookText(head + body);
  if (!checked.ok) throw new Error(JSON.stringify(checked.problems));
  return checked;
}

describe('NoETL 2.5 forms', () => {
  it('rewrites tool keys: endpoint, data, payload, json, task/with, statement, auth mappings, code_b64', () => {
    const { playbook, warnings } = accepted(`
workbook:
  - name: q
    tool: { kind: postgres, auth: { credential: pg }, statement: "SELECT 1" }
workflow:
  - step: start
    tool: { kind: http, endpoint: "http://h/x", data: { a: 1 }, auth: {} }
    next: post
  - step: post
    tool: { kind: http, method: post, endpoint: "http://h/x", data: { query: { p: 1 }, body: { b: 2 } } }
    next: pay
  - step: pay
    tool: { kind: http, method: PUT, url: "http://h/x", json: { j: 1 } }
    next: wb
  - step: wb
    tool: { kind: workbook, task: q, with: { a: 1 } }
    next: py
  - step: py
    tool: { kind: python, code_b64: ${Buffer.from('result = 1').toString('base64')}, libs: {}, args: {} }
    next: child
  - step: child
    tool: { kind: playbook, path: t/c, payload: { a: 1, b: 1 }, args: { b: 2 }, version: latest }
`);
    const tool = (i: number) => playbook.workflow[i]!.tool;
    expect(tool(0)).toEqual({ kind: 'http', url: 'http://h/x', params: { a: 1 } });
    expect(tool(1)).toEqual({
      kind: 'http',
      method: 'post',
      url: 'http://h/x',
      params: { p: 1 },
      body: { b: 2 },
    });
    expect(tool(2)).toEqual({ kind: 'http', method: 'PUT', url: 'http://h/x', body: { j: 1 } });
    expect(tool(3)).toEqual({ kind: 'workbook', name: 'q', args: { a: 1 } });
    expect(tool(4)).toEqual({ kind: 'python', code: 'result = 1' });
    expect(tool(5)).toEqual({ kind: 'playbook', path: 't/c', args: { a: 1, b: 2 } });
    expect(playbook.workbook![0]!.tool).toEqual({ kind: 'postgres', auth: 'pg', command: 'SELECT 1' });
    expect(warnings).toEqual([]);
  });

  it('reads then as a list, set as {name, value} pairs, and the retry/collect/sink/call actions', () => {
    const { playbook } = accepted(`
workflow:
  - step: start
    tool: { kind: noop }
    case:
      - when: "{{ result }}"
        then:
          - set: [{ name: a, value: 1 }, { name: b, value: "{{ result }}" }]
          - collect: { path: data.items, strategy: extend }
          - retry: { params: { page: 2 } }
          - sink: { tool: { kind: postgres, auth: pg, table: public.t, mode: upsert, key: id, args: { id: 1, v: "{{ result }}" } } }
      - when: "{{ error }}"
        then: { call: { step: start, args: { again: true } }, retry: { max_attempts: 2, delay: 1 } }
`);
    const [first, second] = playbook.workflow[0]!.case!;
    expect(first!.then).toEqual([
      { set: { a: 1, b: '{{ result }}' } },
      { collect: { path: 'data.items', strategy: 'extend' } },
      { retry: { params: { page: 2 } } },
      {
        sink: {
          tool: {
            kind: 'postgres',
            auth: 'pg',
            command:
              'INSERT INTO "public"."t" ("id", "v") VALUES ($1, $2) ON CONFLICT ("id") DO UPDATE SET "v" = EXCLUDED."v"',
            params: [1, '{{ result }}'],
          },
        },
      },
    ]);
    expect(second!.then).toEqual([
      { call: { step: 'start', args: { again: true } }, retry: { max_attempts: 2, delay: 1 } },
    ]);
  });

  it('accepts keys NoETL ignores with a warning each, and keeps the last of duplicate YAML keys', () => {
    const { playbook, warnings } = accepted(`
spec: { state: ready }
keychain: []
workload: { a: 1 }
workload: { a: 2 }
workflow:
  - step: start
    owner: me
    loop: { in: [1], iterator: i, mode: async, extra: 1 }
    tool: { kind: python, code: "result = 1", assert: { returns: [x] }, retry: { max_attempts: 3 } }
    case:
      - when: "{{ true }}"
        else: nothing
        then: { next: start, log: yes }
`);
    expect(playbook.workload).toEqual({ a: 2 });
    expect(playbook.workflow[0]!.loop!.mode).toBe('parallel');
    expect(warnings.map((w) => w.path)).toEqual([
      'workload',
      'spec',
      'keychain',
      'workflow[0].owner',
      'workflow[0].tool.assert',
      'workflow[0].tool.retry',
      'workflow[0].loop.extra',
      'workflow[0].case[0].else',
      'workflow[0].case[0].then.log',
    ]);
    expect(warnings[0]!.message).toMatch(/duplicate key "workload": the last value is used/);
  });

  it('keeps the first of duplicate step names, as NoETL looks steps up', () => {
    const { playbook, warnings } = accepted(`
workflow:
  - step: start
    tool: { kind: noop, result: 1 }
  - step: start
    tool: { kind: noop, result: 2 }
`);
    expect(playbook.workflow).toHaveLength(1);
    expect(playbook.workflow[0]!.tool).toEqual({ kind: 'noop', result: 1 });
    expect(warnings[0]).toMatchObject({ path: 'workflow[1].step' });
  });

  it('refuses what cannot be honoured, with the path: unknown kinds, scripts, unnamed auth, bad sets and targets', () => {
    const checked = validatePlaybookText(
      head +
        `
workflow:
  - step: start
    tool: { kind: duckdb, query: x }
    next: py
  - step: py
    tool: { kind: python, script: { uri: "gs://b/x.py" } }
    case:
      - when: "{{ true }}"
        then:
          - set: [{ value: 1 }]
          - call: { step: ghost }
          - next: nowhere
  - step: pg
    tool: { kind: postgres, auth: { type: postgres }, query: "SELECT 1" }
  - step: lib
    tool: { kind: python, code: "x", libs: { "bad name": os } }
`,
    );
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    const byPath = Object.fromEntries(checked.problems.map((p) => [p.path, p.message]));
    expect(byPath['workflow[0].tool.kind']).toMatch(/unknown tool kind "duckdb"/);
    expect(byPath['workflow[1].tool.script']).toMatch(/inline the code/);
    expect(byPath['workflow[1].case[0].then[0].set[0]']).toMatch(/\{name, value\}/);
    expect(byPath['workflow[1].case[0].then[1].call.step']).toMatch(/"ghost" does not exist/);
    expect(byPath['workflow[1].case[0].then[2].next']).toMatch(/"nowhere" does not exist/);
    expect(byPath['workflow[2].tool.auth']).toMatch(/names its credential/);
    expect(Object.keys(byPath).some((p) => p.startsWith('workflow[3].tool.libs'))).toBe(true);
  });

  it('reads next as one mapping, drops a call without a step and unread collect keys, and a leading / of the path', () => {
    const checked = validatePlaybookText(`
apiVersion: noetl.io/v2
kind: Playbook
metadata: { name: t, path: /t/p }
workflow:
  - step: start
    next: { step: tests/fixtures/x, args: { a: 1 } }
  - step: tests/fixtures/x
    tool: { kind: noop }
    case:
      - when: "{{ true }}"
        then:
          collect: { from: response.items, into: all, mode: extend }
          call: { params: { page: 2 } }
          next: { step: start }
          sink: { tool: { kind: postgres, auth: pg, table: t, data: { a: "{{ result }}" } } }
`);
    if (!checked.ok) throw new Error(JSON.stringify(checked.problems));
    const { playbook, warnings } = checked;
    expect(playbook.metadata.path).toBe('t/p');
    expect(playbook.workflow[0]!.next).toEqual([{ step: 'tests/fixtures/x', args: { a: 1 } }]);
    expect(playbook.workflow[1]!.case![0]!.then).toEqual([
      {
        collect: { into: 'all', strategy: 'append' },
        next: [{ step: 'start' }],
        sink: {
          tool: {
            kind: 'postgres',
            auth: 'pg',
            command: 'INSERT INTO "t" ("a") VALUES ($1)',
            params: ['{{ result }}'],
          },
        },
      },
    ]);
    expect(warnings.map((w) => w.path)).toEqual([
      'metadata.path',
      'workflow[1].case[0].then.call',
      'workflow[1].case[0].then.collect.from',
      'workflow[1].case[0].then.collect.mode',
    ]);
  });

  it('refuses step names that would reach an object prototype', () => {
    const checked = validatePlaybookText(
      head + 'workflow:\n  - step: start\n    next: __proto__\n  - step: __proto__\n',
    );
    expect(checked.ok).toBe(false);
  });
});
