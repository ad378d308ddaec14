import { context, propagation, ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  contextFromHeaders,
  executionTraceOf,
  rememberExecutionTrace,
  traceHeaders,
} from './trace-headers.js';

const spanContext = {
  traceId: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
  spanId: 'bbbbbbbbbbbbbbbb',
  traceFlags: TraceFlags.SAMPLED,
  isRemote: true,
};

describe('trace context in NATS headers', () => {
  beforeAll(() => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  });

  it('leaves an untraced message without headers', () => {
    expect(traceHeaders(ROOT_CONTEXT)).toBeUndefined();
  });

  it('carries traceparent from the active context and reads it back', () => {
    const ctx = trace.setSpanContext(ROOT_CONTEXT, spanContext);
    const hdrs = context.with(ctx, () => traceHeaders());
    expect(hdrs?.get('traceparent')).toBe('00-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-bbbbbbbbbbbbbbbb-01');
    expect(trace.getSpanContext(contextFromHeaders(hdrs))).toMatchObject({
      traceId: spanContext.traceId,
      spanId: spanContext.spanId,
    });
    expect(trace.getSpanContext(contextFromHeaders(undefined))).toBeUndefined();
  });

  it('remembers the trace an execution started in', () => {
    const ctx = trace.setSpanContext(ROOT_CONTEXT, spanContext);
    rememberExecutionTrace('exec-1', ctx);
    expect(executionTraceOf('exec-1')).toBe(ctx);
    expect(executionTraceOf('exec-2')).toBeUndefined();
  });
});
