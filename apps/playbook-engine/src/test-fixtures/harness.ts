import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { createEngineClient, type EngineClient } from '@switchyard/engine-client';
import { subscribeExecutionEvents, type ExecutionEvent } from '@switchyard/execution-events';
import { parseEnv, type Logger } from '@switchyard/service-kit';
import { waitForHttp } from '@switchyard/testing';
import { engineEnv } from '../config.js';
import { createEngineService, type EngineService } from '../server.js';
import type { Database } from '../storage/database.js';

export interface RunningEngine {
  engine: EngineService;
  client: EngineClient;
  url: string;
  /** The engine API token the engine was started with (ENGINE_API_TOKEN). */
  token: string;
  /** Headers a raw request needs: the bearer token. */
  headers: Record<string, string>;
  stop(): Promise<void>;
}

/** Starts the engine in-process on a free port with a test configuration. */
export async function startEngine(options: {
  natsUrl: string;
  database?: Database;
  env?: Record<string, string>;
  /** Environment of the engine's local workers; tests reach their own servers on 127.0.0.1. */
  workerEnv?: Record<string, string>;
  logger?: Logger;
}): Promise<RunningEngine> {
  const token = options.env?.ENGINE_API_TOKEN?.split(',')[0] ?? `test-${randomBytes(12).toString('hex')}`;
  const config = parseEnv(engineEnv, {
    ENGINE_API_TOKEN: token,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    NATS_URL: options.natsUrl,
    ENGINE_DATA_DIR: ':memory:',
    REGISTER_EXAMPLES: 'false',
    SHUTDOWN_TIMEOUT_MS: '2000',
    ...options.env,
  });
  const engine = await createEngineService(config, {
    database: options.database,
    logger: options.logger,
    workerEnv: { HTTP_TOOL_ALLOW: '127.0.0.1', ...options.workerEnv },
  });
  const { url } = await engine.listen();
  if (options.natsUrl !== 'none') await waitForHttp(`${url}/ready`, 20_000);
  const client = createEngineClient({ baseUrl: url, token });
  return {
    engine,
    client,
    url,
    token,
    headers: { authorization: `Bearer ${token}` },
    async stop() {
      await client.close();
      await engine.shutdown();
    },
  };
}

export async function natsClient(url: string): Promise<NatsConnection> {
  return connect({ servers: url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
}

/** Collects an execution's events from NATS until its terminal event. */
export async function collectEvents(
  nc: NatsConnection,
  executionId: string,
  timeoutMs = 20_000,
): Promise<ExecutionEvent[]> {
  const events: ExecutionEvent[] = [];
  const signal = AbortSignal.timeout(timeoutMs);
  for await (const e of subscribeExecutionEvents(nc, executionId, { signal, expiresMs: 2_000 }))
    events.push(e);
  if (signal.aborted)
    throw new Error(
      `execution ${executionId} did not finish in ${timeoutMs} ms: ${events.map((e) => e.type).join(', ')}`,
    );
  return events;
}

/** A real HTTP server on a free port; the handler decides every answer. */
export async function startHttpServer(
  handler: (req: IncomingMessage, res: ServerResponse, body: string) => void | Promise<void>,
  host = '127.0.0.1',
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (body += d));
    req.on('end', () => void handler(req, res, body));
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function yaml(strings: TemplateStringsArray, ...values: unknown[]): string {
  const text = strings.reduce((acc, s, i) => acc + s + (i < values.length ? String(values[i]) : ''), '');
  const lines = text.replace(/^\n/, '').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => l.length - l.trimStart().length));
  return lines.map((l) => l.slice(indent)).join('\n');
}
