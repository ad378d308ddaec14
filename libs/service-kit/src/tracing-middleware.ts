import { randomUUID } from 'node:crypto';
import { context, trace, SpanKind, SpanStatusCode, type Context } from '@opentelemetry/api';
import type { NextFunction, Request, Response } from 'express';
import { extractContext, requestIdOf, TRACER_NAME, withRequestId } from './tracing.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const UNTRACED = new Set(['/health', '/ready', '/metrics']);
const CONTEXT = Symbol('switchyard.traceContext');

type Traced = Response & { [CONTEXT]?: Context };

/**
 * Per request: the context from the incoming `traceparent` and `baggage`, a server span inside it, and the
 * request id (the `x-request-id` header, else the one in the baggage, else a new one) set as the header the
 * logger reads and as baggage for outgoing calls. Handlers then run inside that context.
 */
export function startRequestTrace(serviceName: string) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (UNTRACED.has(req.path)) {
      next();
      return;
    }
    const incoming = extractContext(req.headers);
    const header = req.headers['x-request-id'];
    const carried = requestIdOf(incoming);
    const requestId =
      typeof header === 'string' && REQUEST_ID.test(header)
        ? header
        : carried !== undefined && REQUEST_ID.test(carried)
          ? carried
          : randomUUID();
    req.headers['x-request-id'] = requestId;
    const span = trace.getTracer(TRACER_NAME).startSpan(
      `${serviceName} ${req.method}`,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'service.component': serviceName,
          'http.request.method': req.method,
          'url.path': req.path,
          'request.id': requestId,
        },
      },
      incoming,
    );
    const ctx = withRequestId(trace.setSpan(incoming, span), requestId);
    (res as Traced)[CONTEXT] = ctx;
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      const route = (req.route as { path?: unknown } | undefined)?.path;
      if (typeof route === 'string') span.updateName(`${serviceName} ${req.method} ${route}`);
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    };
    res.once('finish', end);
    res.once('close', end);
    context.with(ctx, next);
  };
}

/** Enters the request's context again: body parsers call `next` from stream callbacks that lost it. */
export function resumeRequestTrace(_req: Request, res: Response, next: NextFunction): void {
  const ctx = (res as Traced)[CONTEXT];
  if (ctx) context.with(ctx, next);
  else next();
}
