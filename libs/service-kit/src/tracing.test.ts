import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { SpanKind } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createService, type Service } from './service.js';
import { injectHeaders, requestIdOf, setupTracing, withSpan } from './tracing.js';

const exporter = new InMemorySpanExporter();
setupTracing({ serviceName: 'tracing-test', exporter });

describe('tracing across services', () => {
  let front: Service;
  let back: Service;
  let backUrl: string;
  let frontUrl: string;
  const seen: Array<{ traceparent?: string; requestId?: string; baggageId?: string }> = [];

  beforeAll(async () => {
    back = createService({ name: 'back', port: 0, host: '127.0.0.1' });
    back.app.post('/work', (req, res) => {
      seen.push({
        traceparent: req.headers.traceparent as string | undefined,
        requestId: req.headers['x-request-id'] as string | undefined,
        baggageId: requestIdOf(),
      });
      res.json({ echoed: req.body });
    });
    backUrl = (await back.listen()).url;
    front = createService({ name: 'front', port: 0, host: '127.0.0.1' });
    front.app.post('/call', async (req, res) => {
      const answer = await withSpan('front calls back', async () => {
        const r = await fetch(`${backUrl}/work`, {
          method: 'POST',
          headers: injectHeaders({ 'content-type': 'application/json' }),
          body: JSON.stringify(req.body),
        });
        return r.json();
      });
      res.json(answer);
    });
    frontUrl = (await front.listen()).url;
  });
  afterAll(async () => {
    await front.shutdown();
    await back.shutdown();
  });

  it('continues an incoming traceparent through a JSON body and into the next service, with the request id', async () => {
    exporter.reset();
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const res = await fetch(`${frontUrl}/call`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        traceparent: `00-${traceId}-b7ad6b7169203331-01`,
        'x-request-id': 'req-42',
      },
      body: JSON.stringify({ n: 1 }),
    });
    expect(await res.json()).toEqual({ echoed: { n: 1 } });
    await front.shutdown();
    await back.shutdown();
    const spans = exporter.getFinishedSpans();
    const server = spans.filter((s) => s.kind === SpanKind.SERVER);
    expect(server.map((s) => s.name).sort()).toEqual(['back POST /work', 'front POST /call']);
    expect(new Set(spans.map((s) => s.spanContext().traceId))).toEqual(new Set([traceId]));
    const frontSpan = server.find((s) => s.name.startsWith('front'))!;
    const call = spans.find((s) => s.name === 'front calls back')!;
    const backSpan = server.find((s) => s.name.startsWith('back'))!;
    expect(frontSpan.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    expect(call.parentSpanContext?.spanId).toBe(frontSpan.spanContext().spanId);
    expect(backSpan.parentSpanContext?.spanId).toBe(call.spanContext().spanId);
    expect(seen.at(-1)?.traceparent).toContain(call.spanContext().spanId);
    // The request id travels as baggage: the back service takes it without an x-request-id header.
    expect(seen.at(-1)).toMatchObject({ requestId: 'req-42', baggageId: 'req-42' });
  });
});
