import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startChildApp, waitFor, type ChildApp } from '@switchyard/testing';
import { collect, wsClient } from '../test-fixtures/graphql-ws-client.js';
import { E2E_ENGINE_TOKEN, startEngineStack, type EngineStack } from '../test-fixtures/stack.js';

/**
 * The slow-reader scenario on live services: a real NATS, the engine and the gateway as child processes.
 * Four clients open 25 `executionEvents` subscriptions each on a run whose 40 steps return about 200 KB, then
 * stop reading. The gateway must close them (counting each), stay within its memory bound, and keep serving a
 * normal subscriber of the same run every event.
 */

const STEPS = 40;
const RESULT_BYTES = 200_000;
const SLOW_CLIENTS = 4;
const SUBSCRIPTIONS_PER_CLIENT = 25;
const RSS_LIMIT_BYTES = 400 * 1024 * 1024;

let stack: EngineStack;
let engine: ChildApp;
let engineHeaders: Record<string, string>;
let gateway: ChildApp;

function blobPlaybook(): string {
  const steps = ['  - step: start', '    next: s1'];
  for (let i = 1; i <= STEPS; i++) {
    steps.push(`  - step: s${i}`, '    tool:', '      kind: noop', "      result: '{{ workload.blob }}'");
    steps.push(`    next: ${i === STEPS ? 'end' : `s${i + 1}`}`);
  }
  steps.push('  - step: end');
  return [
    'apiVersion: noetl.io/v2',
    'kind: Playbook',
    'metadata:',
    '  name: big_results',
    '  path: examples/big_results',
    'workload:',
    `  blob: '${'x'.repeat(RESULT_BYTES)}'`,
    'workflow:',
    ...steps,
  ].join('\n');
}

async function metric(name: string): Promise<number> {
  const text = await (await fetch(`${gateway.url}/metrics`)).text();
  const match = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text);
  return Number(match?.[1] ?? NaN);
}

const login = () => stack.loginAt(gateway.url, { sub: 'slow-reader', email: 'slow@example.com' });

/** A graphql-ws client that subscribes `count` times and then stops reading its socket. */
function pausedReader(session: string, executionId: string, count: number): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(gateway.url.replace(/^http/, 'ws') + '/graphql', 'graphql-transport-ws');
    socket.on('error', reject);
    socket.on('open', () =>
      socket.send(JSON.stringify({ type: 'connection_init', payload: { sessionToken: session } })),
    );
    socket.once('message', (data) => {
      expect(JSON.parse(String(data))).toMatchObject({ type: 'connection_ack' });
      for (let i = 0; i < count; i++) {
        const query = `subscription { executionEvents(executionId: "${executionId}") { seq type result n${i}: seq } }`;
        socket.send(JSON.stringify({ id: String(i), type: 'subscribe', payload: { query } }));
      }
      socket.pause();
      resolve(socket);
    });
  });
}

beforeAll(async () => {
  stack = await startEngineStack();
  ({ engine, engineHeaders } = stack);
  gateway = await startChildApp({
    app: 'playbook-gateway',
    env: {
      NATS_URL: stack.nats.url,
      NOETL_BASE_URL: engine.url,
      ENGINE_API_TOKEN: E2E_ENGINE_TOKEN,
      WS_SEND_STALL_MS: '2000',
      WS_MAX_SUBSCRIPTIONS: String(SUBSCRIPTIONS_PER_CLIENT),
      RATE_LIMIT_ENABLED: 'false',
    },
    timeoutMs: 120_000,
  });
  const res = await fetch(`${engine.url}/api/catalog/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...engineHeaders },
    body: JSON.stringify({ content: blobPlaybook(), resource_type: 'Playbook' }),
  });
  expect(res.status, await res.clone().text()).toBeLessThan(300);
}, 240_000);

afterAll(async () => {
  await gateway?.stop();
  await stack?.stop();
});

it('closes paused readers, stays under its memory bound and still serves a normal subscriber', async () => {
  const session = await login();
  const run = await fetch(`${gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${session}` },
    body: JSON.stringify({ query: 'mutation { executePlaybook(name: "examples/big_results") { id } }' }),
  });
  const executionId = ((await run.json()) as { data: { executePlaybook: { id: string } } }).data
    .executePlaybook.id;

  const slow = await Promise.all(
    Array.from({ length: SLOW_CLIENTS }, () => pausedReader(session, executionId, SUBSCRIPTIONS_PER_CLIENT)),
  );
  const normal = wsClient(gateway.url, { sessionToken: session });
  const watched = collect<{ executionEvents: { seq: number; type: string } }>(
    normal,
    `subscription { executionEvents(executionId: "${executionId}") { seq type result } }`,
  );

  let peakRss = 0;
  const sampler = setInterval(() => {
    void metric('process_resident_memory_bytes').then((rss) => {
      if (rss > peakRss) peakRss = rss;
    });
  }, 200);
  try {
    await waitFor(
      'the gateway to disconnect every paused reader',
      async () => (await metric('gateway_ws_slow_client_disconnects_total')) >= SLOW_CLIENTS,
      { timeoutMs: 30_000 },
    );
    const seen = await watched;
    expect(seen.error).toBeUndefined();
    const events = seen.results.map((r) => r.data!.executionEvents);
    const engineEvents = (await (
      await fetch(`${engine.url}/api/executions/${executionId}/events`, { headers: engineHeaders })
    ).json()) as {
      events: Array<{ seq: number }>;
    };
    expect(events.map((e) => e.seq)).toEqual(engineEvents.events.map((e) => e.seq));
    expect(events.length).toBeGreaterThan(STEPS);
    expect(events.at(-1)?.type).toBe('playbook.completed');
    await waitFor(
      'the paused sockets to be gone',
      async () => (await metric('gateway_ws_connections')) <= 1,
      {
        timeoutMs: 10_000,
      },
    );
  } finally {
    clearInterval(sampler);
    await normal.dispose();
    for (const socket of slow) socket.terminate();
  }
  peakRss = Math.max(peakRss, await metric('process_resident_memory_bytes'));
  expect(peakRss).toBeGreaterThan(0);
  expect(peakRss).toBeLessThan(RSS_LIMIT_BYTES);
}, 90_000);
