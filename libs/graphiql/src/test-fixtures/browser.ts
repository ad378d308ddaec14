import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';

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
