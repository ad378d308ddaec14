// Checks the README quickstart the way a new user follows it: runs `npm start`, waits until every service
// answers GET /ready, runs the README's curl commands (the block after "Then:" in "## Quickstart") exactly as
// written, and checks each answer. Exits non-zero with the reason when anything differs.
//   node scripts/check-quickstart.mjs
import { spawn, execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PORTS = {
  'federation-router': 4000,
  'astronauts-subgraph': 4001,
  'missions-subgraph': 4002,
  'playbook-engine': 8082,
  'playbook-gateway': 8090,
  'connector-agent': 8100,
};
const READY_TIMEOUT_MS = Number(process.env.QUICKSTART_READY_TIMEOUT_MS ?? 180_000);

/** The shell commands of the quickstart's "Then:" block, continuation lines joined. */
export function quickstartCommands(readme) {
  const section = readme.split(/^## /m).find((s) => s.startsWith('Quickstart'));
  if (!section) throw new Error('README has no "## Quickstart" section');
  const block = /Then:\s*\n+```(?:bash|sh)\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error('the Quickstart section has no ```bash block after "Then:"');
  return block[1]
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
}

/** What a documented command must answer, by the URL it calls. */
const expectations = [
  {
    url: /localhost:4000\/graphql/,
    check: (body) => {
      const missions = body?.data?.missions;
      if (!Array.isArray(missions) || missions.length !== 12)
        return `expected 12 missions, got ${JSON.stringify(missions)?.slice(0, 200)}`;
      const apollo11 = missions.find((m) => m.designation === 'Apollo 11');
      if (!apollo11?.crew?.some((c) => c.name === 'Neil A. Armstrong'))
        return 'Apollo 11 without Neil A. Armstrong in its crew';
      return undefined;
    },
  },
  {
    url: /localhost:8090\/graphql/,
    check: (body) => (body?.data?.health ? undefined : `expected data.health, got ${JSON.stringify(body)}`),
  },
];

const portOpen = (port) =>
  new Promise((done) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => (socket.destroy(), done(true)));
    socket.once('error', () => done(false));
  });

async function ready(port) {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/ready`, { signal: AbortSignal.timeout(2000) });
    return res.status === 200;
  } catch {
    return false;
  }
}

async function main() {
  const commands = quickstartCommands(readFileSync(join(root, 'README.md'), 'utf8'));
  if (commands.length === 0) throw new Error('no commands in the quickstart');
  const busy = [];
  for (const [app, port] of Object.entries(PORTS)) if (await portOpen(port)) busy.push(`${port} (${app})`);
  if (busy.length) throw new Error(`ports already in use, stop what holds them first: ${busy.join(', ')}`);

  const log = [];
  const child = spawn('npm', ['start'], {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  child.stdout.on('data', (d) => log.push(d.toString()));
  child.stderr.on('data', (d) => log.push(d.toString()));
  let exited = false;
  const exit = new Promise((done) =>
    child.once('exit', (code, signal) => ((exited = true), done(signal ?? code))),
  );
  const stop = async () => {
    if (exited) return;
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
    const timer = setTimeout(() => !exited && process.kill(-child.pid, 'SIGKILL'), 30_000);
    await exit;
    clearTimeout(timer);
  };
  const tail = () => log.join('').split('\n').slice(-40).join('\n');

  try {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (const [app, port] of Object.entries(PORTS)) {
      while (!(await ready(port))) {
        if (exited) throw new Error(`npm start exited before ${app} was ready:\n${tail()}`);
        if (Date.now() > deadline)
          throw new Error(`${app} not ready on :${port} after ${READY_TIMEOUT_MS} ms:\n${tail()}`);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    console.log(`quickstart: npm start is up (${Object.keys(PORTS).length} services ready)`);
    const failures = [];
    for (const command of commands) {
      let stdout;
      try {
        ({ stdout } = await promisify(execFile)('sh', ['-c', command], { cwd: root, timeout: 30_000 }));
      } catch (error) {
        failures.push(`${command}\n  failed: ${error.message}`);
        continue;
      }
      let body;
      try {
        body = JSON.parse(stdout);
      } catch {
        failures.push(`${command}\n  answered non-JSON: ${stdout.slice(0, 300)}`);
        continue;
      }
      const expectation = expectations.find((e) => e.url.test(command));
      const problem = body?.errors
        ? `GraphQL errors: ${JSON.stringify(body.errors).slice(0, 300)}`
        : expectation
          ? expectation.check(body)
          : body?.data === undefined
            ? 'no data in the answer'
            : undefined;
      if (problem) failures.push(`${command}\n  ${problem}`);
      else console.log(`quickstart: ok  ${command.slice(0, 110)}`);
    }
    if (failures.length)
      throw new Error(
        `${failures.length} of ${commands.length} README commands failed:\n${failures.join('\n')}`,
      );
    console.log(`quickstart: ${commands.length}/${commands.length} README commands answered as documented`);
  } finally {
    await stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().then(
    () => process.exit(0),
    (error) => {
      console.error(`quickstart: FAILED: ${error.message}`);
      process.exit(1);
    },
  );
}
