import { randomUUID } from 'node:crypto';
import { context, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { execute, getOperationAST, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { withRequestId } from '@switchyard/service-kit';

/**
 * Runs a query or mutation that came over the WebSocket in a trace of its own (a server span and a new request
 * id), as an HTTP request gets from the service kit, so that its engine calls and the steps they start join it.
 */
export async function tracedExecute(args: ExecutionArgs): Promise<ExecutionResult> {
  const operation =
    args.operationName ?? getOperationAST(args.document, args.operationName)?.name?.value ?? 'anonymous';
  const requestId = randomUUID();
  const span = trace.getTracer('@switchyard/playbook-gateway').startSpan(
    `playbook-gateway ws ${operation}`,
    {
      kind: SpanKind.SERVER,
      attributes: { 'graphql.operation.name': operation, 'request.id': requestId },
    },
    ROOT_CONTEXT,
  );
  const ctx = withRequestId(trace.setSpan(ROOT_CONTEXT, span), requestId);
  try {
    const result = await context.with(ctx, () => execute(args));
    if (result.errors?.length)
      span.setStatus({ code: SpanStatusCode.ERROR, message: result.errors[0]!.message });
    return result;
  } finally {
    span.end();
  }
}
