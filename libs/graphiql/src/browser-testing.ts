// Browser helpers for tests of pages that use the GraphiQL page (`@switchyard/graphiql/testing`). They need the
// playwright-core devDependency and a Chromium binary; production code never imports this module.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Headless Chromium; fails with the install command when the binary is missing. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: install it (Debian: apt-get install -y chromium)`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ['--no-sandbox'] });
}

/** A browser context whose requests may only reach 127.0.0.1; every other request is aborted and recorded. */
export async function localOnlyContext(
  browser: Browser,
): Promise<{ context: BrowserContext; blocked: string[] }> {
  const context = await browser.newContext();
  const blocked: string[] = [];
  await context.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === '127.0.0.1' && (url.protocol === 'http:' || url.protocol === 'ws:')) {
      await route.continue();
    } else {
      blocked.push(url.href);
      await route.abort('blockedbyclient');
    }
  });
  await context.routeWebSocket(/.*/, (ws) => {
    const url = new URL(ws.url());
    if (url.hostname === '127.0.0.1') ws.connectToServer();
    else {
      blocked.push(url.href);
      void ws.close();
    }
  });
  return { context, blocked };
}

/** The response panel's text, parsed and re-serialized ('' while it holds no JSON). */
async function shownResult(page: Page): Promise<string> {
  const text = (await page.evaluate(
    "document.querySelector('.graphiql-response .CodeMirror')?.CodeMirror.getValue() ?? ''",
  )) as string;
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return '';
  }
}

/**
 * Puts an operation into GraphiQL's query editor, runs it and waits until the response panel shows `expected`
 * (compared as JSON). GraphiQL parses the editor's text after a short debounce and picks HTTP or graphql-ws from
 * that parse, so a run that went out before the parse caught up is repeated. Returns the last panel content.
 */
export async function runInGraphiql(page: Page, operation: string, expected: unknown): Promise<string> {
  await page.evaluate(
    `document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.setValue(${JSON.stringify(operation)})`,
  );
  const want = JSON.stringify(expected);
  let last = '';
  for (let attempt = 0; attempt < 10; attempt++) {
    await page.click('.graphiql-execute-button');
    for (let poll = 0; poll < 40; poll++) {
      last = await shownResult(page);
      if (last === want) return last;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return last;
}
