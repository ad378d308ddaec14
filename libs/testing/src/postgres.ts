import { execFileSync } from 'node:child_process';
import { chmod, chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { findBinary, postgresBinDirs } from './binaries.js';
import { spawnManaged } from './child-process.js';
import { useContainers } from './container-runtime.js';
import { getFreePort } from './free-port.js';
import { waitFor } from './wait-for.js';

export interface TestPostgres {
  /** postgres://user:password@127.0.0.1:PORT/database */
  url: string;
  runtime: 'container' | 'local';
  stop(): Promise<void>;
}

const POSTGRES_IMAGE = process.env.SWITCHYARD_POSTGRES_IMAGE ?? 'postgres:15-alpine';
const INSTALL_HINT =
  'install Postgres server binaries (Debian: `apt-get install -y postgresql-15`, found in /usr/lib/postgresql/15/bin) or set PG_BIN_DIR';

/** Starts an empty Postgres on a free port: a container when a runtime answers, else local initdb + postgres. */
export async function startPostgres(): Promise<TestPostgres> {
  return (await useContainers()) ? startPostgresContainer() : startLocalPostgres();
}

/** Postgres refuses to run as root; in that case the server runs as the `postgres` (or `nobody`) user. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  for (const name of ['postgres', 'nobody']) {
    try {
      const uid = Number(execFileSync('id', ['-u', name]).toString().trim());
      const gid = Number(execFileSync('id', ['-g', name]).toString().trim());
      return { uid, gid };
    } catch {
      // try the next candidate
    }
  }
  throw new Error('running as root and neither a `postgres` nor a `nobody` user exists to run Postgres as');
}

async function startLocalPostgres(): Promise<TestPostgres> {
  const dirs = postgresBinDirs();
  const initdb = findBinary('initdb', INSTALL_HINT, dirs);
  const postgres = findBinary('postgres', INSTALL_HINT, dirs);
  const user = serverUser();
  const root = await mkdtemp(join(tmpdir(), 'switchyard-pg-'));
  const dataDir = join(root, 'data');
  if (user) {
    await chown(root, user.uid, user.gid);
    await chmod(root, 0o700);
  }
  const asUser = user ? { uid: user.uid, gid: user.gid } : {};
  const init = spawnManaged(
    initdb,
    ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync', '--no-instructions'],
    { ...asUser, env: { ...process.env, LC_ALL: 'C' } },
  );
  const initCode = await init.exited;
  if (initCode !== 0) throw new Error(`initdb failed (exit ${initCode}): ${init.output().slice(-2000)}`);

  const port = await getFreePort();
  const server = spawnManaged(
    postgres,
    [
      '-D',
      dataDir,
      '-p',
      String(port),
      '-h',
      '127.0.0.1',
      '-k',
      root,
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'max_connections=200',
    ],
    { ...asUser, env: { ...process.env, LC_ALL: 'C' } },
  );
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let exited = false;
  void server.exited.then(() => {
    exited = true;
  });
  await waitFor(`postgres on port ${port}`, async () => {
    if (exited) throw new Error(`postgres exited: ${server.output().slice(-2000)}`);
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.query('select 1');
      return true;
    } finally {
      await client.end().catch(() => undefined);
    }
  });
  return {
    url,
    runtime: 'local',
    async stop() {
      await server.stop('SIGINT');
      await rm(root, { recursive: true, force: true });
    },
  };
}

async function startPostgresContainer(): Promise<TestPostgres> {
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  const container = await new PostgreSqlContainer(POSTGRES_IMAGE).start();
  return {
    url: container.getConnectionUri(),
    runtime: 'container',
    stop: async () => {
      await container.stop();
    },
  };
}
