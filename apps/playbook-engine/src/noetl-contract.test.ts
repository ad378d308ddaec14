import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NatsConnection } from '@nats-io/transport-node';
import { collectEvents, startHttpServer, yaml, type RunningEngine } from './test-fixtures/harness.js';
import { startEngineOnPglite, type EngineOnPglite } from './test-fixtures/pglite-engine.js';

/**
 * NoETL 2.5.12's REST contract, on a real engine (NATS, PGlite, local workers). Each request is built the way
 * NoETL's own clients build it: its CLI (`crates/noetlctl/src/main.rs`: base64 `content` to /catalog/register,
 * `{path, payload, version}` to /execute), its gateway crate (`crates/gateway/src/noetl_client.rs`: `{path, args}` to
 * /run/playbook), its worker (`noetl/worker/v2_worker_nats.py`: the `command.claimed` event to /events) and the
 * credential fixtures (`tests/fixtures/credentials/pg_local.json`). The expected fields and status codes are those
 * of the pydantic models and endpoints in `noetl/server/api/{catalog,run,execution,credential}` and `v2.py`.
 */

let nc: NatsConnection;
let eng: RunningEngine;
let stack: EngineOnPglite;
let hang: Awaited<ReturnType<typeof startHttpServer>>;

type Json = Record<string, unknown>;

async function call(method: string, path: string, body?: unknown, token: string | null = eng.token) {
  const res = await fetch(`${eng.url}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as unknown };
}

/**
 * Every field a NoETL model declares is present, with NoETL's JSON type (`null` allowed where it is Optional;
 * `??`: the key may also be absent, where we leave out a null).
 */
function expectFields(value: unknown, fields: Record<string, string>): asserts value is Json {
  expect(value).toBeTypeOf('object');
  const object = value as Json;
  for (const [name, spelled] of Object.entries(fields)) {
    const absentOk = spelled.endsWith('??');
    const type = absentOk ? spelled.slice(0, -1) : spelled;
    if (absentOk && !(name in object)) continue;
    expect(object, `field ${name}`).toHaveProperty(name);
    const optional = type.endsWith('?');
    const base = optional ? type.slice(0, -1) : type;
    const v = object[name];
    if (optional && v === null) continue;
    if (base === 'array') expect(Array.isArray(v), `${name} is an array`).toBe(true);
    else if (base === 'integer') expect(Number.isInteger(v), `${name} is an integer`).toBe(true);
    else if (base !== 'any') expect(typeof v, `${name} is ${base}`).toBe(base);
  }
}

const CATALOG_ENTRY = {
  catalog_id: 'string',
  path: 'string',
  version: 'integer',
  kind: 'string',
  content: 'string?',
  layout: 'object?',
  payload: 'object?',
  meta: 'object?',
  created_at: 'string?',
};
const EXECUTION_ENTRY = {
  execution_id: 'string',
  catalog_id: 'string',
  path: 'string',
  version: 'integer',
  status: 'string',
  start_time: 'string',
  end_time: 'string?',
  progress: 'integer',
  result: 'any',
  error: 'string?',
  parent_execution_id: 'string?',
};
const CREDENTIAL = {
  id: 'string',
  name: 'string',
  type: 'string',
  meta: 'object?',
  tags: 'array?',
  description: 'string?',
  created_at: 'string',
  updated_at: 'string',
};

const HELLO = yaml`
  apiVersion: noetl.io/v2
  kind: Playbook
  metadata: { name: hello, path: contract/hello }
  workload: { who: world }
  workflow:
    - step: start
      next: greet
    - step: greet
      tool: { kind: noop, result: "hello {{ workload.who }}" }
`;

beforeAll(async () => {
  stack = await startEngineOnPglite({ CREDENTIALS_KEY: 'contract-key-0123456789abcdef' });
  ({ nc, eng } = stack);
  hang = await startHttpServer(() => undefined);
});

afterAll(async () => {
  await hang?.close();
  await stack?.stop();
});

describe('NoETL 2.5 REST contract', () => {
  let catalogId = '';

  it('GET /api/health answers {status: "ok"} without a token', async () => {
    const res = await call('GET', '/api/health', undefined, null);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok' });
  });

  it('POST /api/catalog/register takes base64 content (as the CLI sends it) and plain text; answers 200', async () => {
    const first = await call('POST', '/api/catalog/register', {
      content: Buffer.from(HELLO, 'utf8').toString('base64'),
      resource_type: 'Playbook',
    });
    expect(first.status).toBe(200);
    expectFields(first.body, {
      status: 'string',
      message: 'string',
      path: 'string',
      version: 'integer',
      catalog_id: 'string',
      kind: 'string',
    });
    expect(first.body).toMatchObject({
      status: 'success',
      path: 'contract/hello',
      version: 1,
      kind: 'Playbook',
    });
    expect(first.body.message).toBe("Resource 'contract/hello' version '1' registered.");
    catalogId = first.body.catalog_id as string;
    const second = await call('POST', '/api/catalog/register', { content: HELLO });
    expect(second).toMatchObject({ status: 200, body: { version: 2 } });
  });

  it('POST /api/catalog/list answers {entries} with content, payload and meta', async () => {
    const res = await call('POST', '/api/catalog/list', { resource_type: 'Playbook' });
    expect(res.status).toBe(200);
    const entries = (res.body as { entries: unknown[] }).entries;
    const ours = entries.filter((e) => (e as Json).path === 'contract/hello');
    expect(ours.map((e) => (e as Json).version)).toEqual([2, 1]);
    for (const entry of ours) expectFields(entry, CATALOG_ENTRY);
    expect((ours[0] as Json).content).toBe(HELLO);
  });

  it('POST /api/catalog/resource: by catalog_id, by path with version "latest", "1" or 2; 404 {detail}', async () => {
    const byId = await call('POST', '/api/catalog/resource', { catalog_id: catalogId });
    expect(byId.status).toBe(200);
    expectFields(byId.body, CATALOG_ENTRY);
    expect(byId.body.version).toBe(1);
    for (const [version, expected] of [
      ['latest', 2],
      ['1', 1],
      [2, 2],
    ] as const) {
      const res = await call('POST', '/api/catalog/resource', { path: 'contract/hello', version });
      expect(res.status).toBe(200);
      expect((res.body as Json).version).toBe(expected);
    }
    const missing = await call('POST', '/api/catalog/resource', { path: 'contract/none' });
    expect(missing).toMatchObject({
      status: 404,
      body: { detail: 'Catalog entry not found', code: 'NOT_FOUND' },
    });
    const neither = await call('POST', '/api/catalog/resource', {});
    expect(neither.status).toBe(422);
  });

  it('POST /api/execute answers 200 {execution_id, status: "started", commands_generated}', async () => {
    const res = await call('POST', '/api/execute', {
      path: 'contract/hello',
      payload: { who: 'cli' },
      version: 1,
    });
    expect(res.status).toBe(200);
    expectFields(res.body, { execution_id: 'string', status: 'string', commands_generated: 'integer' });
    expect(res.body.status).toBe('started');
    const events = await collectEvents(nc, res.body.execution_id as string);
    expect(events.at(-1)).toMatchObject({ type: 'playbook.completed', result: 'hello cli' });
    const byId = await call('POST', '/api/execute', { catalog_id: Number(catalogId), payload: {} });
    expect(byId.status).toBe(200);
    const missing = await call('POST', '/api/execute', { path: 'contract/none', payload: {} });
    expect(missing.status).toBe(404);
    expect((missing.body as Json).detail).toEqual(expect.any(String));
  });

  it('POST /api/run/playbook takes {path, args} and NoETL`s context, merge, parameters, version', async () => {
    const gateway = await call('POST', '/api/run/playbook', {
      path: 'contract/hello',
      args: { who: 'gateway' },
    });
    expect(gateway.status).toBe(200);
    expectFields(gateway.body, {
      execution_id: 'string',
      catalog_id: 'string?',
      path: 'string?',
      name: 'string?',
      version: 'string?',
      type: 'string',
      status: 'string',
      timestamp: 'string?',
      start_time: 'string?',
      end_time: 'string?',
      progress: 'integer?',
      result: 'any',
      error: 'string?',
    });
    expect(gateway.body).toMatchObject({ status: 'running', type: 'playbook', version: '2' });
    await collectEvents(nc, gateway.body.execution_id as string);
    const child = await call('POST', '/api/run/playbook', {
      path: 'contract/hello',
      version: 'latest',
      parameters: { who: 'legacy' },
      merge: true,
      context: { parent_execution_id: gateway.body.execution_id, parent_step: 'start' },
    });
    expect(child.status).toBe(200);
    const events = await collectEvents(nc, (child.body as Json).execution_id as string);
    expect(events.at(-1)).toMatchObject({
      result: 'hello legacy',
      parentExecutionId: gateway.body.execution_id,
    });
    const other = await call('POST', '/api/run/tool', { path: 'contract/hello' });
    expect(other.status).toBe(422);
  });

  it('GET /api/executions answers a bare list of NoETL execution entries', async () => {
    const res = await call('GET', '/api/executions');
    expect(res.status).toBe(200);
    expect(Array.isArray(res.body)).toBe(true);
    const list = res.body as unknown[];
    expect(list.length).toBeGreaterThanOrEqual(3);
    for (const entry of list) expectFields(entry, EXECUTION_ENTRY);
  });

  it('GET /api/executions/{id}, /status and /cancellation-check answer NoETL`s fields', async () => {
    const started = await call('POST', '/api/execute', { path: 'contract/hello', payload: {} });
    const id = (started.body as Json).execution_id as string;
    await collectEvents(nc, id);
    const detail = await call('GET', `/api/executions/${id}`);
    expect(detail.status).toBe(200);
    expectFields(detail.body, {
      execution_id: 'string',
      path: 'string',
      status: 'string',
      start_time: 'string?',
      end_time: 'string?',
      parent_execution_id: 'string?',
      events: 'array',
    });
    expect(detail.body.status).toBe('COMPLETED');
    for (const event of detail.body.events as unknown[]) {
      expectFields(event, {
        event_id: 'string',
        event_type: 'string',
        node_id: 'string?',
        node_name: 'string?',
        status: 'string?',
        created_at: 'string?',
        timestamp: 'string?',
        context: 'object?',
        // NoETL's rows always hold these keys; ours leave them out when empty (our event shape has no nulls).
        result: 'any??',
        error: 'string??',
        catalog_id: 'string?',
        parent_execution_id: 'string?',
        parent_event_id: 'string?',
        duration: 'number?',
      });
    }
    const status = await call('GET', `/api/executions/${id}/status`);
    expect(status.status).toBe(200);
    expectFields(status.body, {
      execution_id: 'string',
      current_step: 'string?',
      completed_steps: 'array',
      failed: 'boolean',
      completed: 'boolean',
      variables: 'object',
    });
    expect(status.body).toMatchObject({ completed: true, failed: false });
    expect(status.body.completed_steps).toEqual(expect.arrayContaining(['start', 'greet']));
    const check = await call('GET', `/api/executions/${id}/cancellation-check`);
    expect(check.status).toBe(200);
    expectFields(check.body, {
      execution_id: 'string',
      status: 'string?',
      event_type: 'string?',
      cancelled: 'boolean',
      completed: 'boolean',
      failed: 'boolean',
    });
    expect(check.body).toMatchObject({ cancelled: false, completed: true, failed: false });
    for (const path of [
      `/api/executions/404404`,
      `/api/executions/404404/status`,
      `/api/executions/404404/cancellation-check`,
    ]) {
      const missing = await call('GET', path);
      expect(missing.status, path).toBe(404);
      expect((missing.body as Json).detail).toBe('Execution 404404 not found');
    }
  });

  it('POST /api/executions/{id}/cancel names cancelled_executions; a second cancel is already_completed', async () => {
    await call('POST', '/api/catalog/register', {
      content: yaml`
        apiVersion: noetl.io/v2
        kind: Playbook
        metadata: { name: hang, path: contract/hang }
        workflow:
          - step: start
            tool: { kind: http, url: "${hang.url}/hang" }
      `,
    });
    const started = await call('POST', '/api/execute', { path: 'contract/hang', payload: {} });
    const id = (started.body as Json).execution_id as string;
    const events = collectEvents(nc, id);
    const res = await call('POST', `/api/executions/${id}/cancel`, {
      reason: 'User requested cancellation',
      cascade: true,
    });
    expect(res.status).toBe(200);
    expectFields(res.body, {
      status: 'string',
      execution_id: 'string',
      cancelled_executions: 'array',
      message: 'string',
    });
    expect(res.body).toMatchObject({ status: 'cancelled', execution_id: id, cancelled_executions: [id] });
    expect((await events).at(-1)).toMatchObject({ type: 'execution.cancelled' });
    const again = await call('POST', `/api/executions/${id}/cancel`);
    expect(again).toMatchObject({
      status: 200,
      body: { status: 'already_completed', cancelled_executions: [] },
    });
    const check = await call('GET', `/api/executions/${id}/cancellation-check`);
    expect(check.body).toMatchObject({ cancelled: true });
    const missing = await call('POST', '/api/executions/404404/cancel', {});
    expect(missing.status).toBe(404);
  });

  it('POST /api/executions/{id}/finalize: finalized, already_completed, not_found (all 200)', async () => {
    const started = await call('POST', '/api/execute', { path: 'contract/hang', payload: {} });
    const id = (started.body as Json).execution_id as string;
    const events = collectEvents(nc, id);
    const res = await call('POST', `/api/executions/${id}/finalize`, { reason: 'stuck' });
    expect(res.status).toBe(200);
    expectFields(res.body, { status: 'string', execution_id: 'string', message: 'string' });
    expect(res.body.status).toBe('finalized');
    expect((await events).at(-1)).toMatchObject({ type: 'playbook.failed', status: 'FAILED' });
    expect((await call('POST', `/api/executions/${id}/finalize`)).body).toMatchObject({
      status: 'already_completed',
    });
    expect((await call('POST', '/api/executions/404404/finalize')).body).toMatchObject({
      status: 'not_found',
    });
  });

  it('credentials: create with meta and tags (200), list {items, filter}, get by name or id, delete', async () => {
    const created = await call('POST', '/api/credentials', {
      name: 'pg_local',
      type: 'postgres',
      description: 'Local Postgres connection for NoETL dev',
      tags: ['dev', 'postgres', 'local'],
      meta: { environment: 'dev' },
      data: { db_host: 'localhost', db_port: '5432', db_user: 'demo', db_password: 'demo', db_name: 'demo' },
    });
    expect(created.status).toBe(200);
    expectFields(created.body, CREDENTIAL);
    expect(created.body).toMatchObject({ tags: ['dev', 'postgres', 'local'], meta: { environment: 'dev' } });
    expect(created.body).not.toHaveProperty('data');
    const commaTags = await call('POST', '/api/credentials', {
      name: 'api_key',
      type: 'httpBearerAuth',
      tags: 'a, b',
      data: { token: 't' },
    });
    expect(commaTags.body).toMatchObject({ tags: ['a', 'b'] });
    const list = await call('GET', '/api/credentials?type=postgres&q=local');
    expect(list.status).toBe(200);
    expectFields(list.body, { items: 'array', filter: 'object?' });
    expect(list.body).toMatchObject({ filter: { type: 'postgres', q: 'local' } });
    expect((list.body.items as Json[]).map((c) => c.name)).toEqual(['pg_local']);
    for (const item of list.body.items as unknown[]) expectFields(item, CREDENTIAL);
    const id = created.body.id as string;
    for (const identifier of ['pg_local', id]) {
      const got = await call('GET', `/api/credentials/${identifier}`);
      expect(got.status).toBe(200);
      expect(got.body).toMatchObject({ id, name: 'pg_local' });
    }
    const withData = await call('GET', '/api/credentials/pg_local?include_data=true');
    expect(withData.status).toBe(403);
    expect(JSON.stringify(withData.body)).not.toContain('demo');
    const removed = await call('DELETE', `/api/credentials/${id}`);
    expect(removed).toMatchObject({ status: 200, body: { message: 'Credential deleted successfully', id } });
    expect((await call('GET', '/api/credentials/pg_local')).status).toBe(404);
  });

  it('POST /api/events records a worker event; GET /api/event/{id} reads it and execution events', async () => {
    const started = await call('POST', '/api/execute', { path: 'contract/hello', payload: {} });
    const executionId = (started.body as Json).execution_id as string;
    await collectEvents(nc, executionId);
    const posted = await call('POST', '/api/events', {
      execution_id: executionId,
      step: 'greet',
      name: 'command.claimed',
      payload: { command_id: `${executionId}:greet:1`, worker_id: 'w1' },
      meta: { worker_id: 'w1', command_id: `${executionId}:greet:1` },
      worker_id: 'w1',
    });
    expect(posted.status).toBe(200);
    expectFields(posted.body, { status: 'string', event_id: 'integer', commands_generated: 'integer' });
    const eventFields = {
      event_id: 'string',
      execution_id: 'string',
      catalog_id: 'string?',
      parent_event_id: 'string?',
      parent_execution_id: 'string?',
      event_type: 'string',
      node_id: 'string?',
      node_name: 'string?',
      node_type: 'string?',
      status: 'string?',
      context: 'object?',
      meta: 'object?',
      created_at: 'string',
    };
    const reported = await call('GET', `/api/event/${posted.body.event_id as number}`);
    expect(reported.status).toBe(200);
    expectFields(reported.body, eventFields);
    expect(reported.body).toMatchObject({
      execution_id: executionId,
      event_type: 'command.claimed',
      node_name: 'greet',
    });
    const detail = (await call('GET', `/api/executions/${executionId}`)).body as { events: Json[] };
    const last = detail.events.at(-1)!;
    const stored = await call('GET', `/api/event/${last.event_id as string}`);
    expect(stored.status).toBe(200);
    expectFields(stored.body, eventFields);
    expect(stored.body).toMatchObject({ event_type: 'playbook.completed', execution_id: executionId });
    expect((await call('GET', '/api/event/999999999')).status).toBe(404);
    const unknown = await call('POST', '/api/events', {
      execution_id: '404404',
      step: 's',
      name: 'step.exit',
    });
    expect(unknown.status).toBe(404);
  });

  it('errors are FastAPI bodies: 422 {detail: [{loc, msg, type}]} and {detail, code} otherwise', async () => {
    const invalid = await call('POST', '/api/execute', { path: 5, payload: {} });
    expect(invalid.status).toBe(422);
    const body = invalid.body as {
      detail: Array<{ loc: unknown[]; msg: string; type: string }>;
      code: string;
    };
    expect(body.detail[0]).toMatchObject({
      loc: ['body', 'path'],
      msg: expect.any(String),
      type: expect.any(String),
    });
    expect(body.code).toBe('VALIDATION_ERROR');
    const badPlaybook = await call('POST', '/api/catalog/register', {
      content: 'kind: Playbook\nworkflow: 3\n',
    });
    expect(badPlaybook.status).toBe(400);
    expect(badPlaybook.body).toMatchObject({ detail: expect.any(String), code: 'INVALID_PLAYBOOK' });
    const unauthorized = await call('GET', '/api/executions', undefined, 'wrong-token');
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.body).toMatchObject({ detail: expect.any(String), code: 'INVALID_ENGINE_TOKEN' });
  });

  it('/openapi.json documents NoETL`s routes and ours, telling them apart', async () => {
    const doc = (await call('GET', '/openapi.json')).body as { paths: Record<string, Record<string, Json>> };
    expect(doc.paths['/api/executions/{execution_id}/finalize']!.post!['x-origin']).toBe('noetl');
    expect(doc.paths['/api/event/{event_id}']!.get!['x-origin']).toBe('noetl');
    expect(doc.paths['/api/run/sync']!.post!['x-origin']).toBe('switchyard');
  });
});
