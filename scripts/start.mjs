// `npm start`: runs every app of the workspace from source, plus a local NATS (JetStream) when NATS_URL is unset.
// Ctrl-C (or SIGTERM) drains every app, then stops NATS.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const colors = [36, 35, 33, 32, 34, 91, 92, 93];
/** Start order: services others call come first. */
const order = [
  'astronauts-subgraph',
  'missions-subgraph',
  'connector-agent',
  'playbook-engine',
  'federation-router',
  'playbook-gateway',
];
const only = (process.env.SWITCHYARD_APPS ?? '')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const apps = readdirSync(join(root, 'apps'))
  .filter((app) => existsSync(join(root, 'apps', app, 'src/main.ts')))
  // The engine starts its own workers unless ENGINE_LOCAL_WORKERS=0.
  .filter((app) => app !== 'playbook-worker' || process.env.ENGINE_LOCAL_WORKERS === '0')
  .filter((app) => only.length === 0 || only.includes(app))
  .sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99));

const children = new Map();
let stopping = false;

function prefixed(name, color, stream, target) {
  let buffer = '';
  stream.on('data', (chunk) => {
    buffer += chunk.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) target.write(`\x1b[${color}m${name.padEnd(20)}\x1b[0m ${line}\n`);
  });
}

function run(name, command, args, env, color) {
  const child = spawn(command, args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  prefixed(name, color, child.stdout, process.stdout);
  prefixed(name, color, child.stderr, process.stderr);
  children.set(name, child);
  child.on('exit', (code, signal) => {
    children.delete(name);
    if (!stopping) {
      console.error(`${name} exited (${signal ?? code}); stopping the others`);
      void stopAll(1);
    } else if (children.size === 0) {
      process.exit(process.exitCode ?? 0);
    }
  });
  return child;
}

function portOpen(port) {
  return new Promise((done) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => (socket.destroy(), done(true)));
    socket.once('error', () => done(false));
  });
}

async function stopAll(code = 0) {
  if (stopping) return;
  stopping = true;
  process.exitCode = code;
  const apps = [...children.entries()].filter(([name]) => name !== 'nats');
  for (const [, child] of apps) child.kill('SIGTERM');
  await Promise.all(
    apps.map(([, child]) => new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)))),
  );
  children.get('nats')?.kill('SIGTERM');
  if (children.size === 0) process.exit(code);
  setTimeout(() => process.exit(code), 15_000).unref();
}

process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

const env = { NODE_ENV: process.env.NODE_ENV ?? 'development' };
// The engine API is authenticated: one token for this run, shared by the engine and the gateway.
if (!process.env.ENGINE_API_TOKEN) env.ENGINE_API_TOKEN = randomBytes(24).toString('base64url');
if (!process.env.NATS_URL) {
  const natsPort = Number(process.env.SWITCHYARD_NATS_PORT ?? 4222);
  if (await portOpen(natsPort)) {
    console.log(`using the NATS server already listening on 127.0.0.1:${natsPort}`);
  } else {
    if (spawnSync('nats-server', ['--version']).error) {
      console.error(
        'NATS_URL is unset and nats-server is not installed: install it (Debian: `apt-get install -y nats-server`),',
      );
      console.error('or run `docker compose up nats`, or point NATS_URL at a server.');
      process.exit(1);
    }
    const storeDir = join(root, '.data', 'nats');
    mkdirSync(storeDir, { recursive: true });
    run('nats', 'nats-server', ['-js', '-a', '127.0.0.1', '-p', String(natsPort), '-sd', storeDir], {}, 90);
    for (let i = 0; i < 100 && !(await portOpen(natsPort)); i++) await new Promise((r) => setTimeout(r, 100));
  }
  env.NATS_URL = `nats://127.0.0.1:${natsPort}`;
}

apps.forEach((app, i) =>
  run(
    app,
    process.execPath,
    ['--import', 'tsx', '--conditions=@switchyard/source', join('apps', app, 'src/main.ts')],
    env,
    colors[i % colors.length],
  ),
);
console.log(
  `started ${apps.join(', ')}${env.NATS_URL ? ` (NATS ${env.NATS_URL})` : ''}; Ctrl-C stops everything`,
);
