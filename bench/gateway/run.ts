/**
 * Playbook gateway benchmark (bounded):
 *   1. N concurrent graphql-ws subscribers (default 1,000, one connection each) on one execution:
 *      delay from the moment an event is on NATS (seen by a direct NATS subscriber in this process) to its
 *      receipt by each client, p50/p99, and the gateway's RSS idle and with every subscriber attached.
 *   2. executePlaybook through the gateway (GraphQL, with session and access check) against
 *      POST /api/run/playbook on the engine directly: requests per second with autocannon, alternating runs.
 *
 * Run from the repository root:
 *   node --import tsx --conditions=@switchyard/source bench/gateway/run.ts
 * Options (env): SUBSCRIBERS=1000 ROUNDS=3 DURATION_S=8 CONNECTIONS=10 PAIRS=2, GATEWAY_NODE_OPTIONS (NODE_OPTIONS
 *   for the gateway process only)
 */
import { readFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import autocannon from 'autocannon';
import { createClient, type Client } from 'graphql-ws';
import { connect } from '@nats-io/transport-node';
import WebSocket from 'ws';
import { startChildApp, startNats, waitFor } from '@switchyard/testing';

const SUBSCRIBERS = Number(process.env.SUBSCRIBERS ?? 1000);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const DURATION_S = Number(process.env.DURATION_S ?? 8);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 10);
const PAIRS = Number(process.env.PAIRS ?? 2);

function rssMb(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

async function postJson(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${url} answered ${res.status}: ${JSON.stringify(json)}`);
  return json;
}

async function startHold() {
  const held: ServerResponse[] = [];
  let released = false;
  const answer = (res: ServerResponse) =>
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  const server = createServer((_req, res) => (released ? answer(res) : held.push(res)));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hold`,
    release() {
      released = true;
      for (const res of held.splice(0)) answer(res);
    },
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

async function metric(gatewayUrl: string, name: string): Promise<number> {
  const text = await (await fetch(`${gatewayUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(name));
  return Number(line?.split(' ').at(-1) ?? Number.NaN);
}

async function main() {
  const started = Date.now();
  const nats = await startNats();
  const engine = await startChildApp({
    app: 'playbook-engine',
    env: { NATS_URL: nats.url, ENGINE_DATA_DIR: ':memory:', AUTH_DEV_ISSUER: 'true', LOG_LEVEL: 'warn' },
    timeoutMs: 120_000,
  });
  const gateway = await startChildApp({
    app: 'playbook-gateway',
    env: {
      NOETL_BASE_URL: engine.url,
      NATS_URL: nats.url,
      LOG_LEVEL: 'warn',
      RATE_LIMIT_ENABLED: 'false',
      ...(process.env.GATEWAY_NODE_OPTIONS ? { NODE_OPTIONS: process.env.GATEWAY_NODE_OPTIONS } : {}),
    },
    timeoutMs: 120_000,
  });
  const gwPid = gateway.process.child.pid!;
  const nc = await connect({ servers: nats.url });
  const hold = await startHold();
  const clients: Client[] = [];
  const report: string[] = [];
  try {
    const dev = await postJson(`${engine.url}/api/auth/dev/token`, {
      sub: 'bench',
      email: 'bench@example.com',
    });
    const login = await postJson(`${gateway.url}/api/auth/login`, { auth0_token: dev.token });
    const session = login.session_token as string;
    const auth = { authorization: `Bearer ${session}` };

    // Warm up the session and access caches and the engine.
    for (let i = 0; i < 5; i++) {
      await postJson(
        `${gateway.url}/graphql`,
        { query: 'mutation { executePlaybook(name: "examples/hello_world") { id } }' },
        auth,
      );
    }
    const idle = rssMb(gwPid);

    // ---- 1. N subscribers on one execution ----
    for (let i = 0; i < SUBSCRIBERS; i++) {
      clients.push(
        createClient({
          url: `${gateway.url.replace('http', 'ws')}/graphql`,
          webSocketImpl: WebSocket,
          connectionParams: { sessionToken: session },
          lazy: false,
          retryAttempts: 0,
          keepAlive: 0,
        }),
      );
    }
    await waitFor(
      `${SUBSCRIBERS} WebSocket connections`,
      async () => (await metric(gateway.url, 'gateway_ws_connections')) >= SUBSCRIBERS,
      {
        timeoutMs: 120_000,
      },
    );
    const delays: number[] = [];
    let received = 0;
    let expected = 0;
    let peakWithSubscribers = idle;
    for (let round = 0; round < ROUNDS; round++) {
      const run = await postJson(
        `${gateway.url}/graphql`,
        {
          query: `mutation { executePlaybook(name: "examples/http_case", variables: { url: "${hold.url}" }) { id } }`,
        },
        auth,
      );
      const id = (run.data as { executePlaybook: { id: string } }).executePlaybook.id;
      // Wait until the run is held at its http step; live events start after the last seq so far.
      await waitFor('run to reach its http step', async () => {
        const s = (await (await fetch(`${engine.url}/api/executions/${id}`)).json()) as {
          events: Array<{ step?: string; type: string }>;
        };
        return s.events.some((e) => e.step === 'fetch' && e.type === 'step.enter');
      });
      const status = (await (await fetch(`${engine.url}/api/executions/${id}/status`)).json()) as {
        last_seq: number;
      };
      const fromSeq = status.last_seq + 1;
      const onNats = new Map<number, number>();
      const sub = nc.subscribe(`playbooks.executions.${id}.events`);
      void (async () => {
        for await (const m of sub) {
          const seq = (JSON.parse(new TextDecoder().decode(m.data)) as { seq: number }).seq;
          if (!onNats.has(seq)) onNats.set(seq, performance.now());
        }
      })();
      const receipts: Array<[number, number]> = [];
      const done = clients.map(
        (client) =>
          new Promise<void>((resolve, reject) => {
            client.subscribe<{ executionEvents: { seq: number } }>(
              {
                query: `subscription { executionEvents(executionId: "${id}", fromSeq: ${fromSeq}) { seq type } }`,
              },
              {
                next: (v) => {
                  if (v.data) receipts.push([v.data.executionEvents.seq, performance.now()]);
                },
                error: reject,
                complete: resolve,
              },
            );
          }),
      );
      await waitFor(
        'every subscription to be active',
        async () => (await metric(gateway.url, 'gateway_active_subscriptions')) >= SUBSCRIBERS,
        {
          timeoutMs: 120_000,
        },
      );
      peakWithSubscribers = { rss: Math.max(peakWithSubscribers.rss, rssMb(gwPid).rss), peak: 0 };
      hold.release();
      await Promise.all(done);
      sub.unsubscribe();
      const rss = rssMb(gwPid);
      peakWithSubscribers = { rss: Math.max(peakWithSubscribers.rss, rss.rss), peak: rss.peak };
      const events = (await (
        await fetch(`${engine.url}/api/executions/${id}/events?from_seq=${fromSeq}`)
      ).json()) as { events: unknown[] };
      expected += events.events.length * SUBSCRIBERS;
      received += receipts.length;
      for (const [seq, at] of receipts) {
        const published = onNats.get(seq);
        if (published !== undefined) delays.push(at - published);
      }
      // Held again for the next round.
      Object.assign(hold, await startHoldReplacement(hold));
    }
    delays.sort((a, b) => a - b);
    report.push(
      `subscribers: ${SUBSCRIBERS} connections x ${ROUNDS} executions; events delivered ${received}/${expected}`,
      `NATS -> client delay: p50 ${percentile(delays, 50).toFixed(1)} ms, p99 ${percentile(delays, 99).toFixed(1)} ms, max ${percentile(delays, 100).toFixed(1)} ms (${delays.length} samples)`,
      `gateway RSS: idle ${idle.rss.toFixed(0)} MB, with ${SUBSCRIBERS} subscribers ${peakWithSubscribers.rss.toFixed(0)} MB (peak VmHWM ${peakWithSubscribers.peak.toFixed(0)} MB)`,
    );
    await Promise.all(clients.map((c) => c.dispose()));
    clients.length = 0;

    // ---- 2. executePlaybook req/s: gateway vs engine directly ----
    const cannon = (opts: autocannon.Options) =>
      new Promise<autocannon.Result>((resolve, reject) =>
        autocannon({ connections: CONNECTIONS, duration: DURATION_S, ...opts }, (err, result) =>
          err ? reject(err) : resolve(result),
        ),
      );
    const direct: number[] = [];
    const via: number[] = [];
    const latency: { direct: number[]; via: number[] } = { direct: [], via: [] };
    let errors = 0;
    for (let pair = 0; pair < PAIRS; pair++) {
      const d = await cannon({
        url: `${engine.url}/api/run/playbook`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ path: 'examples/hello_world', args: { name: 'bench' } }),
      });
      const g = await cannon({
        url: `${gateway.url}/graphql`,
        method: 'POST',
        headers: { 'content-type': 'application/json', ...auth },
        body: JSON.stringify({
          query:
            'mutation { executePlaybook(name: "examples/hello_world", variables: { name: "bench" }) { id status } }',
        }),
      });
      errors += d.errors + d.non2xx + g.errors + g.non2xx;
      direct.push(d.requests.average);
      via.push(g.requests.average);
      latency.direct.push(d.latency.p50);
      latency.via.push(g.latency.p50);
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    report.push(
      `executePlaybook (examples/hello_world), ${CONNECTIONS} connections, ${PAIRS} x ${DURATION_S}s alternating runs, errors/non-2xx: ${errors}`,
      `  engine POST /api/run/playbook: ${mean(direct).toFixed(0)} req/s (runs: ${direct.map((x) => x.toFixed(0)).join(', ')}), p50 ${mean(latency.direct).toFixed(1)} ms`,
      `  gateway executePlaybook:       ${mean(via).toFixed(0)} req/s (runs: ${via.map((x) => x.toFixed(0)).join(', ')}), p50 ${mean(latency.via).toFixed(1)} ms`,
      `  ratio gateway/engine: ${(mean(via) / mean(direct)).toFixed(2)}`,
      `gateway RSS after load: ${rssMb(gwPid).rss.toFixed(0)} MB; total bench time ${((Date.now() - started) / 1000).toFixed(0)} s`,
    );
    console.log(report.join('\n'));
  } finally {
    await Promise.all(clients.map((c) => c.dispose()));
    await hold.close();
    await nc.close();
    await gateway.stop();
    await engine.stop();
    await nats.stop();
  }
}

/** A fresh hold server for the next round (the old one answers everything once released). */
async function startHoldReplacement(old: { close(): Promise<void> }) {
  await old.close();
  return startHold();
}

await main();
