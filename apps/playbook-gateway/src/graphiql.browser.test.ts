import { launchChromium, localOnlyContext, runInGraphiql } from '@switchyard/graphiql/testing';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayStack, type GatewayStack } from './test-fixtures/stack.js';

/** The gateway's GraphiQL page in a real browser, against a real engine and NATS (the e2e test's setup). */
let stack: GatewayStack;
let url: string;
let browser: Browser;

beforeAll(async () => {
  stack = await startGatewayStack({ engineToken: null });
  url = stack.url;
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const login = () => stack.login({ sub: 'browser-user', email: 'browser@example.com', name: 'Browser User' });

describe('the gateway’s GraphiQL page in headless Chromium (network limited to 127.0.0.1)', () => {
  it('takes a session token, runs a query and follows a subscription to its end', async () => {
    const session = await login();
    const run = await stack.gql<{ executePlaybook: { id: string } }>(
      'mutation { executePlaybook(name: "examples/hello_world", variables: { name: "Browser" }) { id } }',
      session,
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
