import { startChildApp, type ChildApp } from '@switchyard/testing';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { loadRouterConfig } from './config.js';
import { createRouterService, type RouterService } from './server.js';

let astronauts: ChildApp;
let missions: ChildApp;
const started: RouterService[] = [];

async function startRouter(env: Record<string, string> = {}): Promise<string> {
  const config = loadRouterConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    SUBGRAPHS: `astronauts=${astronauts.url}/graphql,missions=${missions.url}/graphql`,
    ...env,
  });
  const service = await createRouterService(config);
  started.push(service);
  return `${(await service.listen()).url}/graphql`;
}

async function post(url: string, query: string, variables?: Record<string, unknown>) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify({ query, variables }),
  });
  return {
    status: res.status,
    body: (await res.json()) as { data?: unknown; errors?: Array<{ extensions?: Record<string, unknown> }> },
  };
}

/** missions -> crew -> missions -> ... nested `levels` lists deep. */
function nested(levels: number): string {
  let inner = 'id';
  for (let i = levels; i > 0; i--) inner = i % 2 === 1 ? `missions { id ${inner} }` : `crew { id ${inner} }`;
  return `{ ${inner} }`;
}

beforeAll(async () => {
  [astronauts, missions] = await Promise.all([
    startChildApp({ app: 'astronauts-subgraph' }),
    startChildApp({ app: 'missions-subgraph' }),
  ]);
});

afterAll(async () => {
  await Promise.all(started.map((s) => s.shutdown()));
  await Promise.all([astronauts?.stop(), missions?.stop()]);
});

describe('the router applies the cost model of @switchyard/graphql-limits', () => {
  it('answers nested lists within the budget and refuses deeper fan-out before fetching anything', async () => {
    const url = await startRouter();
    const fine = await post(url, nested(4));
    expect(fine.status).toBe(200);
    expect(fine.body.errors).toBeUndefined();
    const costly = await post(url, nested(6));
    expect(costly.status).toBe(400);
    expect(costly.body.data).toBeUndefined();
    expect(costly.body.errors?.[0]?.extensions).toMatchObject({ code: 'MAX_COST_EXCEEDED', limit: 100_000 });
  });

  it('follows GRAPHQL_MAX_COST and applies it over graphql-ws too', async () => {
    const url = await startRouter({ GRAPHQL_MAX_COST: '50' });
    expect((await post(url, '{ missions { id } }')).body.errors).toBeUndefined();
    const refused = await post(url, nested(2));
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('MAX_COST_EXCEEDED');

    const client = createClient({
      url: url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
    });
    const error = await new Promise<unknown>((resolve) => {
      client.subscribe(
        { query: nested(2) },
        { next: () => undefined, error: resolve, complete: () => resolve(undefined) },
      );
    });
    await client.dispose();
    expect((error as Array<{ extensions?: { code?: string } }>)[0]?.extensions?.code).toBe(
      'MAX_COST_EXCEEDED',
    );
  });
});
