import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBinary } from './binaries.js';
import { spawnManaged, type ManagedProcess } from './child-process.js';
import { useContainers } from './container-runtime.js';
import { getFreePort } from './free-port.js';
import { canConnect, waitFor } from './wait-for.js';

export interface TestNats {
  /** nats://127.0.0.1:PORT */
  url: string;
  port: number;
  runtime: 'container' | 'local';
  /** Stops the server; JetStream data is kept until {@link TestNats.stop}. */
  pause(): Promise<void>;
  /** Starts the server again on the same port with the same JetStream store. */
  resume(): Promise<void>;
  /** Stops the server for good and removes its data. */
  stop(): Promise<void>;
}

const NATS_IMAGE = process.env.SWITCHYARD_NATS_IMAGE ?? 'nats:2.10-alpine';
const INSTALL_HINT = 'install it with `apt-get install -y nats-server` (Debian) or put the binary on PATH';

/** Starts a NATS server with JetStream on a free port: a container when a runtime answers, else `nats-server`. */
export async function startNats(options: StartNatsOptions = {}): Promise<TestNats> {
  return (await useContainers()) ? startNatsContainer(options) : startLocalNats(options);
}

export interface StartNatsOptions {
  /** Require this token from clients (`nats-server --auth`); connect with `nats://TOKEN@127.0.0.1:PORT`. */
  token?: string;
}

async function startLocalNats(options: StartNatsOptions): Promise<TestNats> {
  const binary = findBinary('nats-server', INSTALL_HINT);
  const port = await getFreePort();
  const storeDir = await mkdtemp(join(tmpdir(), 'switchyard-nats-'));
  let proc: ManagedProcess | undefined;

  const launch = async () => {
    const auth = options.token ? ['--auth', options.token] : [];
    const current = spawnManaged(binary, [
      '-a',
      '127.0.0.1',
      '-p',
      String(port),
      '-js',
      '-sd',
      storeDir,
      ...auth,
    ]);
    proc = current;
    let exitedEarly = false;
    void current.exited.then(() => {
      exitedEarly = true;
    });
    await waitFor(`nats-server on port ${port}`, async () => {
      if (exitedEarly) throw new Error(`nats-server exited: ${current.output().slice(-2000)}`);
      return current.output().includes('Server is ready') && (await canConnect(port));
    });
  };
  const halt = async () => {
    await proc?.stop('SIGTERM');
    proc = undefined;
  };

  await launch();
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    runtime: 'local',
    pause: halt,
    resume: launch,
    async stop() {
      await halt();
      await rm(storeDir, { recursive: true, force: true });
    },
  };
}

async function startNatsContainer(options: StartNatsOptions): Promise<TestNats> {
  const { NatsContainer } = await import('@testcontainers/nats');
  // A fixed host port so that clients can reconnect to the same address after pause/resume.
  const port = await getFreePort();
  const base = new NatsContainer(NATS_IMAGE).withJetStream();
  const container = await (options.token ? base.withArg('--auth', options.token) : base)
    .withExposedPorts({ container: 4222, host: port })
    .start();
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    runtime: 'container',
    pause: async () => {
      await container.stop({ remove: false, timeout: 5_000 });
    },
    resume: async () => {
      await container.restart();
      await waitFor(`NATS container on port ${port}`, () => canConnect(port));
    },
    stop: async () => {
      await container.stop();
    },
  };
}
