import { createClient, type Client, type FormattedExecutionResult as ExecutionResult } from 'graphql-ws';
import WebSocket from 'ws';

/** A graphql-ws client over `ws`, optionally with extra handshake headers (e.g. a cookie). */
export function wsClient(
  url: string,
  connectionParams: Record<string, unknown> | undefined,
  headers?: Record<string, string>,
  lazy = true,
): Client {
  class HeaderSocket extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols, { headers });
    }
  }
  return createClient({
    url: url.replace(/^http/, 'ws') + '/graphql',
    webSocketImpl: headers ? HeaderSocket : WebSocket,
    connectionParams,
    lazy,
    retryAttempts: 0,
  });
}

export interface Collected<T> {
  results: Array<ExecutionResult<T, unknown>>;
  /** A socket close event or an array of GraphQL errors, when the operation ended with one. */
  error?: unknown;
}

/** Runs one operation and resolves when it completes or fails; `onNext` sees each result as it arrives. */
export function collect<T = Record<string, unknown>>(
  client: Client,
  query: string,
  onNext?: (result: ExecutionResult<T, unknown>) => void,
): Promise<Collected<T>> {
  return new Promise((resolve) => {
    const results: Array<ExecutionResult<T, unknown>> = [];
    client.subscribe<T>(
      { query },
      {
        next: (value) => {
          results.push(value);
          onNext?.(value);
        },
        error: (error) => resolve({ results, error }),
        complete: () => resolve({ results }),
      },
    );
  });
}

/** The close code of a graphql-ws failure (a CloseEvent-like object). */
export function closeCode(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null && 'code' in error
    ? Number((error as { code: unknown }).code)
    : undefined;
}
