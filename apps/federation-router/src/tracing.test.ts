import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { setupTracing } from '@switchyard/service-kit';
import {
  startChildApp,
  startOtlpReceiver,
  waitFor,
  type ChildApp,
  type OtlpReceiver,
} from '@switchyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRouterConfig } from './config.js';
import { createRouterService, type RouterService } from './server.js';

// The router runs here and records into memory; the subgraphs are real processes that export OTLP/HTTP.
const exporter = new InMemorySpanExporter();
setupTracing({ serviceName: 'federation-router', exporter });

let receiver: OtlpReceiver;
let astronauts: ChildApp;
let missions: ChildApp;
let router: RouterService;
let url: string;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  const env = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '20' };
  [astronauts, missions] = await Promise.all([
    startChildApp({ app: 'astronauts-subgraph', env }),
    startChildApp({ app: 'missions-subgraph', env }),
  ]);
  const config = loadRouterConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    SUBGRAPHS: `astronauts=${astronauts.url}/graphql,missions=${missions.url}/graphql`,
  });
  router = await createRouterService(config);
  url = `${(await router.listen()).url}/graphql`;
});

afterAll(async () => {
  await router?.shutdown();
  await Promise.all([astronauts?.stop(), missions?.stop()]);
  await receiver?.close();
});

describe('tracing through the router', () => {
  it('puts the router and both subgraphs into the trace of the incoming traceparent, with the request id', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
        'x-request-id': 'router-trace-1',
      },
      body: JSON.stringify({ query: '{ missions { id designation crew { id name } } }' }),
    });
    const body = (await res.json()) as { data?: { missions: unknown[] }; errors?: unknown };
    expect(body.errors).toBeUndefined();
    expect(body.data?.missions.length).toBeGreaterThan(0);

    const local = exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
    const server = local.find((s) => s.kind === SpanKind.SERVER)!;
    expect(server.name).toMatch(/^federation-router POST/);
    expect(server.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    const fetches = local.filter((s) => s.kind === SpanKind.CLIENT);
    expect(fetches.length).toBeGreaterThanOrEqual(2);
    const fetchIds = new Set(fetches.map((s) => s.spanContext().spanId));

    await waitFor(
      'both subgraphs to export their spans',
      async () => {
        const services = new Set(receiver.spans.filter((s) => s.traceId === traceId).map((s) => s.service));
        return services.has('astronauts-subgraph') && services.has('missions-subgraph');
      },
      { timeoutMs: 15_000 },
    );
    const remote = receiver.spans.filter((s) => s.traceId === traceId && s.kind === 2);
    expect(remote.length).toBeGreaterThanOrEqual(2);
    // Each subgraph's server span is a child of one of the router's subgraph fetches.
    for (const span of remote) {
      expect(fetchIds.has(span.parentSpanId ?? '')).toBe(true);
      expect(span.attributes['request.id']).toBe('router-trace-1');
    }
  });
});
