import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnManaged, type ManagedProcess } from './child-process.js';
import { getFreePort } from './free-port.js';
import { waitForHttp } from './wait-for.js';

/** The repository root (this file lives in libs/testing/src or libs/testing/dist). */
export const workspaceRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export interface RunningApp {
  url: string;
  port: number;
  stop(): Promise<unknown>;
}

export interface ChildApp extends RunningApp {
  process: ManagedProcess;
  /** Sends a signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface StartChildAppOptions {
  /** App folder name under apps/, e.g. 'astronauts-subgraph'; runs its src/main.ts with tsx. */
  app?: string;
  /** Or any TypeScript/JavaScript entry file to run with tsx. */
  entry?: string;
  env?: Record<string, string | undefined>;
  /** Path polled until it answers 2xx. */
  readyPath?: string;
  timeoutMs?: number;
}

/** The node arguments that run a TypeScript entry with workspace libraries resolved to their sources. */
export function tsNodeArgs(entry: string): string[] {
  return ['--import', 'tsx', '--conditions=@switchyard/source', entry];
}

/** Starts an app as a child process on a free port (env PORT) and waits until it is ready. */
export async function startChildApp(options: StartChildAppOptions): Promise<ChildApp> {
  const entry = options.entry ?? join(workspaceRoot, 'apps', options.app ?? '', 'src/main.ts');
  const port = await getFreePort();
  const proc = spawnManaged(process.execPath, tsNodeArgs(entry), {
    cwd: workspaceRoot,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      ...options.env,
      PORT: String(port),
    },
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await Promise.race([
      waitForHttp(`${url}${options.readyPath ?? '/ready'}`, options.timeoutMs ?? 60_000),
      proc.exited.then((code) => {
        throw new Error(`process exited with ${code} before it was ready`);
      }),
    ]);
  } catch (error) {
    await proc.stop('SIGKILL');
    throw new Error(
      `${options.app ?? entry} did not start: ${(error as Error).message}\n${proc.output().slice(-4000)}`,
    );
  }
  return { url, port, process: proc, stop: (signal = 'SIGTERM') => proc.stop(signal) };
}

/** Starts an in-process server through `start(port)` on a free port. */
export async function startInProcess<T extends { close(): Promise<unknown> }>(
  start: (port: number) => Promise<T>,
): Promise<RunningApp & { handle: T }> {
  const port = await getFreePort();
  const handle = await start(port);
  return { url: `http://127.0.0.1:${port}`, port, handle, stop: () => handle.close() };
}
