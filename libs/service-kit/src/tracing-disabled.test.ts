import { context, trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import {
  extractContext,
  injectHeaders,
  requestIdOf,
  setupTracing,
  withRequestId,
  withSpan,
} from './tracing.js';

describe('tracing without OTEL_EXPORTER_OTLP_ENDPOINT', () => {
  const tracing = setupTracing({ serviceName: 'untraced', env: {} });

  it('records nothing but passes an incoming trace and request id through to outgoing headers', async () => {
    expect(tracing.exporting).toBe(false);
    const incoming = extractContext({
      traceparent: '00-11111111111111111111111111111111-2222222222222222-01',
    });
    const outgoing = await context.with(withRequestId(incoming, 'req-7'), () =>
      withSpan('work', (span) => {
        expect(span.isRecording()).toBe(false);
        expect(requestIdOf()).toBe('req-7');
        return injectHeaders<Record<string, string>>({});
      }),
    );
    expect(outgoing.traceparent).toBe('00-11111111111111111111111111111111-2222222222222222-01');
    expect(outgoing.baggage).toBe('request.id=req-7');
    expect(trace.getSpanContext(extractContext(outgoing))?.traceId).toBe('11111111111111111111111111111111');
  });

  it('returns the first set-up to later calls', () => {
    expect(
      setupTracing({ serviceName: 'other', env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1' } }),
    ).toBe(tracing);
  });
});
