import {
  context,
  propagation,
  trace,
  SpanKind,
  SpanStatusCode,
  type Attributes,
  type Context,
  type Span,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';

export const TRACER_NAME = '@switchyard/service-kit';
/** The baggage entry that carries a request id from service to service (next to `traceparent`). */
export const REQUEST_ID_BAGGAGE = 'request.id';

export interface TracingOptions {
  serviceName: string;
  /** Read for `OTEL_EXPORTER_OTLP_ENDPOINT` (and the exporter's other OTEL_* settings); default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Exports every span to this exporter at once (tests use an InMemorySpanExporter); wins over OTLP. */
  exporter?: SpanExporter;
}

export interface Tracing {
  /** True when spans are recorded and exported; propagation works either way. */
  readonly exporting: boolean;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

let installed: Tracing | undefined;

/**
 * Sets up OpenTelemetry for the process, once: W3C trace context and baggage propagation with
 * AsyncLocalStorage context always, a tracer provider only when `OTEL_EXPORTER_OTLP_ENDPOINT` is set (OTLP over
 * HTTP) or an exporter is given. Without one, incoming trace context still passes through to outgoing calls.
 * Later calls return the first set-up.
 */
export function setupTracing(options: TracingOptions): Tracing {
  if (installed) return installed;
  const env = options.env ?? process.env;
  const contextManager = new AsyncLocalStorageContextManager();
  contextManager.enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(
    new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
  );
  const processor = spanProcessor(options, env);
  if (!processor) {
    installed = { exporting: false, forceFlush: async () => undefined, shutdown: async () => undefined };
    return installed;
  }
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': env.OTEL_SERVICE_NAME || options.serviceName }),
    spanProcessors: [processor],
  });
  trace.setGlobalTracerProvider(provider);
  installed = {
    exporting: true,
    forceFlush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
  return installed;
}

function spanProcessor(options: TracingOptions, env: NodeJS.ProcessEnv): SpanProcessor | undefined {
  if (options.exporter) return new SimpleSpanProcessor(options.exporter);
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!endpoint) return undefined;
  return new BatchSpanProcessor(new OTLPTraceExporter());
}

/** Runs `fn` inside a new span (a child of the active one) and ends it; a thrown error marks the span failed. */
export async function withSpan<T>(
  name: string,
  fn: (span: Span) => Promise<T> | T,
  options: { kind?: SpanKind; attributes?: Attributes; parent?: Context } = {},
): Promise<T> {
  const tracer = trace.getTracer(TRACER_NAME);
  const parent = options.parent ?? context.active();
  return tracer.startActiveSpan(
    name,
    {
      kind: options.kind ?? SpanKind.INTERNAL,
      ...(options.attributes ? { attributes: options.attributes } : {}),
    },
    parent,
    async (span) => {
      try {
        return await fn(span);
      } catch (error) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

/** Writes `traceparent` (and `baggage`) of the active context into `carrier`, e.g. outgoing HTTP headers. */
export function injectHeaders<C extends Record<string, string>>(
  carrier: C,
  from: Context = context.active(),
): C {
  propagation.inject(from, carrier);
  return carrier;
}

/** The context an incoming `traceparent` / `baggage` describes, on top of `base` (default: the active one). */
export function extractContext(
  carrier: Record<string, string | string[] | undefined>,
  base: Context = context.active(),
): Context {
  return propagation.extract(base, carrier, {
    keys: (c) => Object.keys(c),
    get: (c, key) => {
      const value = c[key] ?? c[key.toLowerCase()];
      return Array.isArray(value) ? value[0] : value;
    },
  });
}

/** The request id carried in the baggage of `ctx`, if any. */
export function requestIdOf(ctx: Context = context.active()): string | undefined {
  return propagation.getBaggage(ctx)?.getEntry(REQUEST_ID_BAGGAGE)?.value;
}

/** `ctx` with `id` as its request id baggage entry. */
export function withRequestId(ctx: Context, id: string): Context {
  const baggage = propagation.getBaggage(ctx) ?? propagation.createBaggage();
  return propagation.setBaggage(ctx, baggage.setEntry(REQUEST_ID_BAGGAGE, { value: id }));
}
