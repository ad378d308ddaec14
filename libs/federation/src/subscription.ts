import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { ExecutionError } from './executor.js';
import type { FetchNode, PlanNode } from './plan.js';

/** The root subscription fetch of a plan and the nodes that complete each of its events (if any). */
export function splitSubscriptionPlan(
  node: PlanNode | undefined,
): { root: FetchNode; rest: PlanNode | undefined } | undefined {
  if (!node) return undefined;
  if (node.kind === 'Fetch') return { root: node, rest: undefined };
  if (node.kind === 'Sequence' && node.nodes[0]?.kind === 'Fetch') {
    const rest = node.nodes.slice(1);
    return {
      root: node.nodes[0],
      rest: rest.length === 0 ? undefined : rest.length === 1 ? rest[0] : { kind: 'Sequence', nodes: rest },
    };
  }
  return undefined;
}

export function toWebSocketUrl(url: string): string {
  return url.replace(/^http/, 'ws');
}

export interface SubgraphEvent {
  data?: Record<string, unknown> | null;
  errors?: ExecutionError[];
}

/** Forwards a subscription to a subgraph over graphql-ws and yields its events. */
export async function* subscribeToSubgraph(
  url: string,
  serviceName: string,
  query: string,
  variables: Record<string, unknown>,
  headers: Record<string, string> | undefined,
  signal?: AbortSignal,
): AsyncGenerator<SubgraphEvent> {
  const client: Client = createClient({
    url: toWebSocketUrl(url),
    webSocketImpl: class extends WebSocket {
      constructor(address: string, protocols?: string | string[]) {
        super(address, protocols, { headers });
      }
    },
    lazy: true,
    retryAttempts: 0,
    connectionParams: headers ? { headers } : undefined,
  });
  const iterator = client.iterate<Record<string, unknown>>({ query, variables });
  const abort = () => void iterator.return?.();
  signal?.addEventListener('abort', abort, { once: true });
  try {
    for await (const event of iterator) {
      yield {
        data: event.data ?? null,
        errors: event.errors?.map((e) => ({
          message: e.message,
          ...(e.path ? { path: [...e.path] } : {}),
          extensions: { ...e.extensions, serviceName },
        })),
      };
    }
  } catch (error) {
    const message = Array.isArray(error)
      ? error.map((e: { message?: string }) => e.message).join('; ')
      : error instanceof Error
        ? error.message
        : 'reason' in (error as object)
          ? `connection closed: ${String((error as { reason?: string }).reason || (error as { code?: number }).code)}`
          : String(error);
    yield {
      data: null,
      errors: [
        {
          message: `Subscription to subgraph "${serviceName}" failed: ${message}`,
          extensions: { code: 'SUBREQUEST_HTTP_ERROR', serviceName },
        },
      ],
    };
  } finally {
    signal?.removeEventListener('abort', abort);
    await client.dispose();
  }
}
