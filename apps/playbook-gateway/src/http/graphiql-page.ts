/** Versions of the browser assets the GraphiQL page loads from a CDN (unpkg). */
export const GRAPHIQL_ASSETS = {
  react: 'https://unpkg.com/react@18.3.1/umd/react.production.min.js',
  reactDom: 'https://unpkg.com/react-dom@18.3.1/umd/react-dom.production.min.js',
  graphiqlJs: 'https://unpkg.com/graphiql@3.8.3/graphiql.min.js',
  graphiqlCss: 'https://unpkg.com/graphiql@3.8.3/graphiql.min.css',
  graphqlWs: 'https://unpkg.com/graphql-ws@5.16.2/umd/graphql-ws.min.js',
} as const;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * A self-contained GraphiQL page for GET /graphql. Queries go over HTTP to the same path; subscriptions
 * over graphql-ws on the same path. A session token typed into the page is sent as
 * `Authorization: Bearer` and as the `sessionToken` of `connection_init`; the login cookie also works.
 */
export function graphiqlPage(options: { title?: string; path?: string } = {}): string {
  const title = escapeHtml(options.title ?? 'Switchyard playbook gateway');
  const path = JSON.stringify(options.path ?? '/graphql');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="stylesheet" href="${GRAPHIQL_ASSETS.graphiqlCss}" crossorigin="anonymous">
<style>
  html, body { height: 100%; margin: 0; font-family: system-ui, sans-serif; }
  body { display: flex; flex-direction: column; }
  #bar { display: flex; gap: 8px; align-items: center; padding: 6px 10px; border-bottom: 1px solid #ddd; font-size: 14px; }
  #bar input { flex: 1; max-width: 480px; font-family: monospace; }
  #graphiql { flex: 1; min-height: 0; }
</style>
</head>
<body>
<div id="bar">
  <label for="token">Session token</label>
  <input id="token" type="password" autocomplete="off" placeholder="from POST /api/auth/login (or use the session cookie)">
  <button id="save" type="button">Use token</button>
</div>
<div id="graphiql">Loading GraphiQL&hellip; (the page needs access to unpkg.com)</div>
<script src="${GRAPHIQL_ASSETS.react}" crossorigin="anonymous"></script>
<script src="${GRAPHIQL_ASSETS.reactDom}" crossorigin="anonymous"></script>
<script src="${GRAPHIQL_ASSETS.graphqlWs}" crossorigin="anonymous"></script>
<script src="${GRAPHIQL_ASSETS.graphiqlJs}" crossorigin="anonymous"></script>
<script>
(function () {
  var STORAGE_KEY = 'switchyard.sessionToken';
  var path = ${path};
  var httpUrl = new URL(path, window.location.href).toString();
  var wsUrl = httpUrl.replace(/^http/, 'ws');
  var input = document.getElementById('token');
  input.value = window.localStorage.getItem(STORAGE_KEY) || '';
  function token() { return window.localStorage.getItem(STORAGE_KEY) || ''; }
  var wsClient = null;
  function makeWsClient() {
    return graphqlWs.createClient({
      url: wsUrl,
      lazy: true,
      connectionParams: function () { return token() ? { sessionToken: token() } : {}; }
    });
  }
  function render() {
    if (wsClient) wsClient.dispose();
    wsClient = makeWsClient();
    var headers = token() ? { Authorization: 'Bearer ' + token() } : {};
    var fetcher = GraphiQL.createFetcher({ url: httpUrl, wsClient: wsClient, headers: headers });
    var root = document.getElementById('graphiql');
    ReactDOM.render(React.createElement(GraphiQL, { fetcher: fetcher, defaultEditorToolsVisibility: true }), root);
  }
  document.getElementById('save').addEventListener('click', function () {
    var value = input.value.trim();
    if (value) window.localStorage.setItem(STORAGE_KEY, value);
    else window.localStorage.removeItem(STORAGE_KEY);
    render();
  });
  render();
})();
</script>
</body>
</html>
`;
}
