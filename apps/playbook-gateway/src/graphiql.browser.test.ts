import { launchChromium, localOnlyContext, runInGraphiql } from '@switchyard/graphiql/testing';
import {
  postGraphQL,
  startChildApp,
  startNats,
  waitFor,
  type ChildApp,
  type TestNats,
} from '@switchyard/testing';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseGatewayEnv } from './config.js';
import { createGatewayService, type GatewayService } from './server.js';
import { startJwksServer, type JwksServer } from './test-fixtures/jwks-server.js';

/** The gateway's GraphiQL page in a real browser, against a real engine and NATS (the e2e test's setup). */
let nats: TestNats;
let jwks: JwksServer;
let engine: ChildApp;
let gateway: GatewayService;
let url: string;
let browser: Browser;

beforeAll(async () => {
  nats = await startNats();
  jwks = await startJwksServer();
  engine = await startChildApp({
    app: 'playbook-engine',
    env: {
      NATS_URL: nats.url,
      ENGINE_DATA_DIR: ':memory:',
      AUTH_ISSUER: jwks.issuer,
      AUTH_AUDIENCE: jwks.audience,
      AUTH_JWKS_URL: jwks.url,
      AUTH_DEV_ISSUER: 'false',
    },
    timeoutMs: 120_000,
  });
  const config = parseGatewayEnv({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    NATS_URL: nats.url,
    NOETL_BASE_URL: engine.url,
  });
  gateway = await createGatewayService(config);
  url = (await gateway.listen()).url;
  await waitFor('gateway connected to NATS', async () => gateway.nats.connected);
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await gateway?.shutdown();
  await engine?.stop();
  await jwks?.close();
  await nats?.stop();
});

async function login(): Promise<string> {
  const token = await jwks.sign({ sub: 'browser-user', email: 'browser@example.com', name: 'Browser User' });
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ auth0_token: token }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { session_token: string }).session_token;
}

describe('the gateway’s GraphiQL page in headless Chromium (network limited to 127.0.0.1)', () => {
  it('takes a session token, runs a query and follows a subscription to its end', async () => {
    const session = await login();
    const run = await postGraphQL<{ executePlaybook: { id: string } }>(
      `${url}/graphql`,
      'mutation { executePlaybook(name: "examples/hello_world", variables: { name: "Browser" }) { id } }',
      undefined,
      { authorization: `Bearer ${session}` },
    );
    expect(run.errors).toBeUndefined();
    const id = run.data!.executePlaybook.id;

    const { context, blocked } = await localOnlyContext(browser);
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    try {
      await page.goto(`${url}/graphql`);
      await page.locator('.graphiql-container').waitFor({ timeout: 20_000 });
      await page.fill('#session-token', session);
      await page.click('#session-save');

      const query = { data: { execution: { id, name: 'examples/hello_world' } } };
      const shownQuery = await runInGraphiql(page, `query One { execution(id: "${id}") { id name } }`, query);
      expect(JSON.parse(shownQuery || 'null')).toEqual(query);

      const done = { data: { executionStatus: { id, status: 'COMPLETED' } } };
      const shownStatus = await runInGraphiql(
        page,
        `subscription Status { executionStatus(executionId: "${id}") { id status } }`,
        done,
      );
      expect(JSON.parse(shownStatus || 'null')).toEqual(done);
      expect(blocked).toEqual([]);
      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);
});
