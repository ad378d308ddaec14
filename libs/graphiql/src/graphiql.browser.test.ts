import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, localOnlyContext, runInGraphiql } from './browser-testing.js';
import { startGraphqlTestServer } from './test-fixtures/graphql-test-server.js';

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

/** Runs an operation in the page and expects the response panel to show `expected`. */
async function run(page: Page, operation: string, expected: unknown): Promise<void> {
  expect(await runInGraphiql(page, operation, expected)).toBe(JSON.stringify(expected));
}

describe('GraphiQL page in headless Chromium, network limited to 127.0.0.1', () => {
  it('renders from local assets, runs a query over HTTP and a subscription over graphql-ws', async () => {
    const server = await startGraphqlTestServer({ sessionToken: false });
    const { context, blocked } = await localOnlyContext(browser);
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    try {
      await page.goto(`${server.url}/graphql`);
      await page.locator('.graphiql-container').waitFor({ timeout: 20_000 });
      expect(await page.locator('#session-token').count()).toBe(0);

      await run(page, 'query Hello { hello }', { data: { hello: 'world' } });
      expect(server.seen.httpAuthorization.length).toBeGreaterThan(0);

      await run(page, 'subscription Countdown { countdown(from: 3) }', { data: { countdown: 0 } });
      expect(server.seen.wsSubscriptions).toBeGreaterThanOrEqual(1);
      expect(blocked).toEqual([]);
      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
      await server.close();
    }
  }, 90_000);

  it('sends the session token typed into the page on HTTP and in connection_init', async () => {
    const server = await startGraphqlTestServer({ sessionToken: true });
    const { context, blocked } = await localOnlyContext(browser);
    const page = await context.newPage();
    try {
      await page.goto(`${server.url}/graphql`);
      await page.locator('.graphiql-container').waitFor({ timeout: 20_000 });
      await page.fill('#session-token', 'tok-123');
      await page.click('#session-save');
      await page.locator('.graphiql-container').waitFor();

      await run(page, 'query Hello { hello }', { data: { hello: 'world' } });
      expect(server.seen.httpAuthorization).toContain('Bearer tok-123');
      await run(page, 'subscription Countdown { countdown(from: 1) }', { data: { countdown: 0 } });
      expect(server.seen.wsSessionTokens).toContain('tok-123');
      expect(blocked).toEqual([]);
    } finally {
      await context.close();
      await server.close();
    }
  }, 90_000);
});
