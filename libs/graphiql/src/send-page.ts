import type { ServerResponse } from 'node:http';
import { GRAPHIQL_CSP } from './page.js';

/** Where services mount {@link graphiqlAssetsHandler} by default. */
export const GRAPHIQL_ASSETS_PATH = '/graphiql';

/** Answers with the page's HTML and its Content-Security-Policy (same-origin scripts only). */
export function sendGraphiqlPage(res: ServerResponse, html: string): void {
  res.statusCode = 200;
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Content-Security-Policy', GRAPHIQL_CSP);
  res.setHeader('Cache-Control', 'no-cache');
  res.end(html);
}
