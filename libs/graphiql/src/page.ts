/** What the GraphiQL page needs to know about the service that serves it. */
export interface GraphiqlPageOptions {
  /** Browser tab title. */
  title: string;
  /** The GraphQL endpoint (HTTP and graphql-ws), relative to the page, e.g. `/graphql`. */
  endpoint: string;
  /** Where the asset handler is mounted, e.g. `/graphiql`. */
  assetsPath: string;
  /**
   * Show a session-token field. The token is sent as `Authorization: Bearer` on HTTP and as
   * `connectionParams.sessionToken` on graphql-ws.
   */
  sessionToken?: boolean;
}

/**
 * Content-Security-Policy for the page: every script and style comes from the service itself.
 * GraphiQL sets inline style attributes, hence `'unsafe-inline'` for styles only.
 */
export const GRAPHIQL_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self' ws: wss:",
  "worker-src 'self' blob:",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON that is safe inside a <script type="application/json"> element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

/** The HTML of the GraphiQL page. No inline script: the page script reads its settings from a JSON element. */
export function graphiqlPage(options: GraphiqlPageOptions): string {
  const assets = options.assetsPath.replace(/\/+$/, '');
  const src = (name: string) => escapeHtml(`${assets}/${name}`);
  const settings = { endpoint: options.endpoint, sessionToken: options.sessionToken === true };
  const tokenBar = options.sessionToken
    ? `<form id="session-bar">
  <label for="session-token">Session token</label>
  <input id="session-token" type="password" autocomplete="off" placeholder="from POST /api/auth/login (or use the session cookie)">
  <button id="session-save" type="submit">Use token</button>
</form>
`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(options.title)}</title>
<link rel="stylesheet" href="${src('graphiql.min.css')}">
<style>
html, body { height: 100%; margin: 0; font-family: system-ui, sans-serif; }
body { display: flex; flex-direction: column; }
#session-bar { display: flex; gap: 8px; align-items: center; padding: 6px 10px; border-bottom: 1px solid #ddd; font-size: 14px; }
#session-bar input { flex: 1; max-width: 480px; font-family: monospace; }
#graphiql { flex: 1; min-height: 0; }
</style>
</head>
<body>
${tokenBar}<div id="graphiql">Loading GraphiQL&hellip;</div>
<script type="application/json" id="graphiql-settings">${scriptJson(settings)}</script>
<script src="${src('react.production.min.js')}"></script>
<script src="${src('react-dom.production.min.js')}"></script>
<script src="${src('graphql-ws.min.js')}"></script>
<script src="${src('graphiql.min.js')}"></script>
<script src="${src('graphiql-page.js')}"></script>
</body>
</html>
`;
}
