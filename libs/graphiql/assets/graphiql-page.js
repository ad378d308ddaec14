// Browser script of the GraphiQL page: reads its settings from #graphiql-settings and renders GraphiQL with
// an HTTP fetcher and a graphql-ws client on the same endpoint. Globals come from the UMD builds the page loads.
/* global window, document, React, ReactDOM, GraphiQL, graphqlWs */
(function () {
  'use strict';
  var settings = JSON.parse(document.getElementById('graphiql-settings').textContent);
  var STORAGE_KEY = 'switchyard.sessionToken';
  var httpUrl = new URL(settings.endpoint, window.location.href).toString();
  var wsUrl = httpUrl.replace(/^http/, 'ws');
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  var wsClient = null;

  function token() {
    return settings.sessionToken ? window.localStorage.getItem(STORAGE_KEY) || '' : '';
  }

  function render() {
    if (wsClient) wsClient.dispose();
    wsClient = graphqlWs.createClient({
      url: wsUrl,
      lazy: true,
      connectionParams: function () {
        return token() ? { sessionToken: token() } : {};
      },
    });
    var headers = token() ? { Authorization: 'Bearer ' + token() } : {};
    var fetcher = GraphiQL.createFetcher({ url: httpUrl, wsClient: wsClient, headers: headers });
    root.render(React.createElement(GraphiQL, { fetcher: fetcher, defaultEditorToolsVisibility: true }));
  }

  var form = document.getElementById('session-bar');
  if (settings.sessionToken && form) {
    var input = document.getElementById('session-token');
    input.value = window.localStorage.getItem(STORAGE_KEY) || '';
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var value = input.value.trim();
      if (value) window.localStorage.setItem(STORAGE_KEY, value);
      else window.localStorage.removeItem(STORAGE_KEY);
      render();
    });
  }
  render();
})();
