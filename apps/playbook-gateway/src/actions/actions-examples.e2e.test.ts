import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { waitFor, workspaceRoot, type ChildApp } from '@switchyard/testing';
import { wsClient } from '../test-fixtures/graphql-ws-client.js';
import { startGatewayStack, type GatewayStack } from '../test-fixtures/stack.js';

/**
 * Runs examples/actions.graphql as written, operation by operation (the whole file is sent with its
 * operationName), against the engine with the playbooks `npm start` registers (playbooks/) and a gateway.
 */

const document = readFileSync(join(workspaceRoot, 'examples/actions.graphql'), 'utf8');

let stack: GatewayStack;
let engine: ChildApp;
let engineHeaders: Record<string, string>;
let url: string;
let session: string;

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

async function run(operationName: string, variables?: Record<string, unknown>): Promise<Json> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${session}` },
    body: JSON.stringify({ query: document, operationName, variables }),
  });
  const body = (await res.json()) as { data?: Json; errors?: unknown };
  expect(body.errors, operationName).toBeUndefined();
  return body.data;
}

async function phaseOf(name: string): Promise<string | undefined> {
  const res = await stack.gql<{ action: { status: { phase: string } } | null }>(
    `{ action(name: "${name}") { status { phase } } }`,
    session,
  );
  return res.data?.action?.status.phase;
}

async function waitPhase(name: string, phase: string): Promise<void> {
  await waitFor(`Action ${name} to reach ${phase}`, async () => (await phaseOf(name)) === phase, {
    timeoutMs: 30_000,
  });
}

beforeAll(async () => {
  stack = await startGatewayStack();
  ({ engine, engineHeaders, url } = stack);
  session = await stack.login({ sub: 'examples', email: 'examples@example.com' });
}, 180_000);

afterAll(async () => {
  await stack?.stop();
});

it('runs the basic flow: create, watch, review, run, outcome, list', async () => {
  expect((await run('CreateAction')).createAction.name).toBe('hello-1');
  const client = wsClient(url, { sessionToken: session });
  const phases: string[] = [];
  const watched = new Promise<unknown>((resolve) => {
    client.subscribe(
      { query: document, operationName: 'WatchAction' },
      {
        next: (r) => phases.push((r.data as Json).actionStatus.status.phase),
        error: resolve,
        complete: () => resolve(undefined),
      },
    );
  });
  await waitPhase('hello-1', 'READY_TO_RUN');
  const review = await run('ReviewAction');
  expect(review.action.renderedAction).toMatchObject({ path: 'examples/hello_world' });
  expect((await run('RunAction')).runAction.run).toBe(true);
  expect(await watched).toBeUndefined();
  await client.dispose();
  expect(phases.at(-1)).toBe('SUCCEEDED');
  expect((await run('ActionOutcome')).action.status.phase).toBe('SUCCEEDED');
  expect((await run('ListActions')).actions.map((a: Json) => a.name)).toContain('hello-1');
});

it('runs the advanced flow: TypeInstance, two rendering iterations, update, delete', async () => {
  const id = (await run('CreateTypeInstance')).createTypeInstance.id as string;
  expect((await run('TypeInstancesOfType')).typeInstances.map((t: Json) => t.id)).toContain(id);
  await run('CreateAdvancedAction');
  await waitPhase('deploy-1', 'ADVANCED_MODE_RENDERING_ITERATION');
  const first = await run('RenderingIteration');
  expect(first.action.renderingAdvancedMode.typeInstancesForRenderingIteration).toMatchObject([
    { name: 'config1', optional: true, playbookPath: 'examples/deploy_config' },
  ]);
  const second = await run('ContinueWithTypeInstance', { id });
  expect(second.continueAdvancedRendering.renderingAdvancedMode.typeInstancesForRenderingIteration).toEqual([
    { name: 'config2', playbookPath: 'examples/deploy_tuning' },
  ]);
  const ready = await run('ContinueWithNone');
  expect(ready.continueAdvancedRendering.status.phase).toBe('READY_TO_RUN');
  expect(ready.continueAdvancedRendering.renderedAction.children[0].typeInstances).toEqual([
    { name: 'config1', id },
  ]);
  expect((await run('UpdateAction')).updateAction.dryRun).toBe(true);
  await waitFor(
    'deploy-1 rendered again',
    async () => !['INITIAL', 'BEING_RENDERED'].includes((await phaseOf('deploy-1'))!),
    {
      timeoutMs: 30_000,
    },
  );
  expect((await run('DeleteAction')).deleteAction.name).toBe('deploy-1');
});

it('runs the cancel flow: a RUNNING Action is cancelled with its child execution', async () => {
  await run('CreateLongAction');
  await waitPhase('wait-1', 'READY_TO_RUN');
  expect((await run('RunLongAction')).runAction.status.phase).toBe('RUNNING');
  // NoETL's `GET /api/executions` answers a bare list; statuses compared in upper case.
  const childStatuses = async () =>
    (
      (await (
        await fetch(`${engine.url}/api/executions?path=examples/long_wait_child`, { headers: engineHeaders })
      ).json()) as Array<{ status: string }>
    ).map((e) => e.status.toUpperCase());
  // The child is sleeping in its python step when the cancel arrives.
  await waitFor('the waiting child to run', async () => (await childStatuses()).includes('RUNNING'), {
    timeoutMs: 30_000,
  });
  const cancelled = await run('CancelAction');
  expect(['BEING_CANCELED', 'CANCELED']).toContain(cancelled.cancelAction.status.phase);
  await waitPhase('wait-1', 'CANCELED');
  expect(await childStatuses()).toEqual(['CANCELLED']);
  expect((await run('DeleteLongAction')).deleteAction.name).toBe('wait-1');
});
