// Container HEALTHCHECK: GET /ready (HEALTHCHECK_PATH) on the app's port (PORT, else the app's default port).
// /ready answers 200 only when the service's dependencies answer, and 503 while it drains.
const defaults = {
  'federation-router': 4000,
  'astronauts-subgraph': 4001,
  'missions-subgraph': 4002,
  'connector-agent': 8100,
  'playbook-engine': 8082,
  'playbook-gateway': 8090,
  'playbook-worker': 8083,
};
const path = process.env.HEALTHCHECK_PATH || '/ready';
const port = process.env.PORT || process.env.ROUTER_PORT || defaults[process.env.APP ?? ''];
if (!port) {
  console.error(`healthcheck: set PORT (APP=${process.env.APP ?? 'unset'} has no HTTP port)`);
  process.exit(1);
}
try {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(2500) });
  process.exit(res.ok ? 0 : 1);
} catch (error) {
  console.error(`healthcheck: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
