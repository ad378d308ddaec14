import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { setupTracing } from '@switchyard/service-kit';
import {
  startChildApp,
  startNats,
  startOtlpReceiver,
  waitFor,
  type ChildApp,
  type OtlpReceiver,
  type TestNats,
} from '@switchyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseGatewayEnv } from './config.js';
import { createGatewayService, type GatewayService } from './server.js';
import { startJwksServer, type JwksServer } from './test-fixtures/jwks-server.js';
import { collect, wsClient } from './test-fixtures/graphql-ws-client.js';

/**
 * One trace from a client's request through the gateway (in-process, in-memory spans), the engine and its
 * local worker (child processes exporting OTLP/HTTP to a receiver here) and back to the subscription feed.
 */
const exporter = new InMemorySpanExporter();
setupTracing({ serviceName: 'playbook-gateway', exporter });

const ENGINE_TOKEN = 'tracing-engine-token-0123456789abcdef';
let nats: TestNats;
let jwks: JwksServer;
let receiver: OtlpReceiver;
let engine: ChildApp;
let gateway: GatewayService;
let url: string;
let target: Server;
let targetUrl: string;

beforeAll(async () => {
  [nats, jwks, receiver] = await Promise.all([startNats(), startJwksServer(), startOtlpReceiver()]);
  target = createServer((_req, res) =>
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'),
  );
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}/step`;
  engine = await startChildApp({
    app: 'playbook-engine',
    env: {
      NATS_URL: nats.url,
      ENGINE_API_TOKEN: ENGINE_TOKEN,
      HTTP_TOOL_ALLOW: '127.0.0.1',
      ENGINE_DATA_DIR: ':memory:',
      AUTH_ISSUER: jwks.issuer,
      AUTH_AUDIENCE: jwks.audience,
      AUTH_JWKS_URL: jwks.url,
      AUTH_DEV_ISSUER: 'false',
      // Inherited by the engine's local workers.
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_BSP_SCHEDULE_DELAY: '20',
    },
    timeoutMs: 120_000,
  });
  const config = parseGatewayEnv({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    NATS_URL: nats.url,
    ENGINE_API_TOKEN: ENGINE_TOKEN,
    NOETL_BASE_URL: engine.url,
  });
  gateway = await createGatewayService(config);
  url = (await gateway.listen()).url;
  await waitFor('gateway connected to NATS', async () => gateway.nats.connected);
}, 180_000);

afterAll(async () => {
  await gateway?.shutdown();
  await engine?.stop();
  await new Promise<void>((resolve) => (target ? target.close(() => resolve()) : resolve()));
  await Promise.all([jwks?.close(), nats?.stop(), receiver?.close()]);
});

async function sessionFor(sub: string): Promise<string> {
  const login = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ auth0_token: await jwks.sign({ sub, email: `${sub}@example.com` }) }),
  });
  return ((await login.json()) as { session_token: string }).session_token;
}

describe('tracing gateway → engine → worker → event delivery', () => {
  it('keeps one trace from the executePlaybook request to the delivered events', async () => {
    const session = await sessionFor('user-trace');

    const traceId = '5b8efff798038103d269b633813fc60c';
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${session}`,
        traceparent: `00-${traceId}-eee19b7ec3c1b174-01`,
        'x-request-id': 'trace-run-1',
      },
      body: JSON.stringify({
        query:
          'mutation Run($name: String!, $variables: JSON) { executePlaybook(name: $name, variables: $variables) { id } }',
        variables: { name: 'examples/http_case', variables: { url: targetUrl } },
      }),
    });
    const body = (await res.json()) as { data?: { executePlaybook: { id: string } }; errors?: unknown };
    expect(body.errors).toBeUndefined();
    const id = body.data!.executePlaybook.id;

    const client = wsClient(url, { sessionToken: session });
    const got = await collect<{ executionEvents: { seq: number; type: string } }>(
      client,
      `subscription { executionEvents(executionId: "${id}") { seq type } }`,
    );
    await client.dispose();
    expect(got.error).toBeUndefined();
    expect(got.results.at(-1)?.data?.executionEvents.type).toBe('playbook.completed');

    // Gateway: the request's server span continues the client's trace; each delivered event joins it.
    const local = exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
    const request = local.find((s) => s.kind === SpanKind.SERVER);
    expect(request?.parentSpanContext?.spanId).toBe('eee19b7ec3c1b174');
    const deliveries = local.filter((s) => s.name.startsWith('gateway deliver '));
    expect(deliveries.map((s) => s.attributes['switchyard.event.seq'])).toEqual(
      got.results.map((r) => r.data!.executionEvents.seq),
    );

    // Engine and worker: their spans arrive over OTLP in the same trace.
    await waitFor(
      'the engine and the worker to export their spans',
      async () => {
        const services = new Set(receiver.spans.filter((s) => s.traceId === traceId).map((s) => s.service));
        return services.has('playbook-engine') && services.has('playbook-worker');
      },
      { timeoutMs: 20_000 },
    );
    const remote = receiver.spans.filter((s) => s.traceId === traceId);
    const engineServer = remote.find((s) => s.service === 'playbook-engine' && s.kind === 2);
    expect(engineServer?.attributes['request.id']).toBe('trace-run-1');
    const step = remote.find((s) => s.service === 'playbook-worker' && s.name.startsWith('worker step '));
    expect(step?.attributes['switchyard.execution.id']).toBe(id);
    expect(step?.attributes['request.id']).toBe('trace-run-1');
  }, 60_000);

  it('gives a mutation sent over the WebSocket its own trace, which the engine and the worker join', async () => {
    const session = await sessionFor('user-trace-ws');
    const client = wsClient(url, { sessionToken: session });
    const ran = await collect<{ executePlaybook: { id: string } }>(
      client,
      `mutation RunOverSocket { executePlaybook(name: "examples/http_case", variables: { url: "${targetUrl}" }) { id } }`,
    );
    expect(ran.error).toBeUndefined();
    const id = ran.results[0]!.data!.executePlaybook.id;
    const done = await collect<{ executionEvents: { type: string } }>(
      client,
      `subscription { executionEvents(executionId: "${id}") { type } }`,
    );
    await client.dispose();
    expect(done.results.at(-1)?.data?.executionEvents.type).toBe('playbook.completed');

    const operation = exporter.getFinishedSpans().find((s) => s.name === 'playbook-gateway ws RunOverSocket');
    expect(operation).toBeDefined();
    const traceId = operation!.spanContext().traceId;
    await waitFor(
      "the worker's step span in the operation's trace",
      async () =>
        receiver.spans.some(
          (s) =>
            s.traceId === traceId &&
            s.service === 'playbook-worker' &&
            s.attributes['switchyard.execution.id'] === id,
        ),
      { timeoutMs: 20_000 },
    );
  }, 60_000);
});
