import { launchChromium, localOnlyContext, runInGraphiql } from '@switchyard/graphiql/testing';
import { startChildApp, type ChildApp } from '@switchyard/testing';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRouterConfig } from './config.js';
import { createRouterService, type RouterService } from './server.js';

let browser: Browser | undefined;
let subgraphs: ChildApp[] = [];
let router: RouterService | undefined;
let url: string;

beforeAll(async () => {
  subgraphs = await Promise.all([
    startChildApp({ app: 'astronauts-subgraph' }),
    startChildApp({ app: 'missions-subgraph' }),
  ]);
  const config = loadRouterConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    SUBGRAPHS: `astronauts=${subgraphs[0]!.url}/graphql,missions=${subgraphs[1]!.url}/graphql`,
  });
  router = await createRouterService(config);
  url = `${(await router.listen()).url}/graphql`;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await router?.shutdown();
  await Promise.all(subgraphs.map((s) => s.stop()));
});

describe('the router’s GraphiQL page in headless Chromium (network limited to 127.0.0.1)', () => {
  it('renders from the router’s own assets and runs a federated query', async () => {
    const { context, blocked } = await localOnlyContext(browser!);
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    try {
      await page.goto(url);
      await page.locator('.graphiql-container').waitFor({ timeout: 20_000 });
      const crew = ['Neil A. Armstrong', 'Michael Collins', 'Edwin E. "Buzz" Aldrin Jr.'].map((name) => ({
        name,
      }));
      const expected = { data: { mission: { designation: 'Apollo 11', crew } } };
      const shown = await runInGraphiql(
        page,
        'query Apollo11 { mission(id: "11") { designation crew { name } } }',
        expected,
      );
      expect(JSON.parse(shown || 'null')).toEqual(expected);
      expect(blocked).toEqual([]);
      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 90_000);
});
