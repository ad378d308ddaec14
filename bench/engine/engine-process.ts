/** Starts a built engine (`node apps/playbook-engine/dist/main.js`) in production mode on a free port. */
import { join } from 'node:path';
import { getFreePort, spawnManaged, waitForHttp, type ManagedProcess } from '@switchyard/testing';

export interface EngineProcess {
  url: string;
  pid: number;
  process: ManagedProcess;
  /** SIGTERM (the engine drains and exits, writing a CPU profile when asked for one). */
  stop(): Promise<number | null>;
}

export async function startBuiltEngine(options: {
  root: string;
  env: Record<string, string>;
  /** Extra node options before the entry, e.g. --cpu-prof. */
  nodeArgs?: string[];
}): Promise<EngineProcess> {
  const port = await getFreePort();
  const proc = spawnManaged(
    process.execPath,
    [...(options.nodeArgs ?? []), join(options.root, 'apps/playbook-engine/dist/main.js')],
    {
      cwd: options.root,
      env: {
        PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
        LANG: process.env.LANG ?? 'C.UTF-8',
        NODE_ENV: 'production',
        LOG_FORMAT: 'json',
        LOG_LEVEL: 'warn',
        ...options.env,
        HOST: '127.0.0.1',
        PORT: String(port),
      },
    },
  );
  const url = `http://127.0.0.1:${port}`;
  try {
    await Promise.race([
      waitForHttp(`${url}/ready`, 120_000),
      proc.exited.then((code) => {
        throw new Error(`engine exited with ${code} before it was ready`);
      }),
    ]);
  } catch (error) {
    await proc.stop('SIGKILL');
    throw new Error(
      `engine in ${options.root} did not start: ${(error as Error).message}\n${proc.output().slice(-4000)}`,
    );
  }
  return { url, pid: proc.child.pid!, process: proc, stop: () => proc.stop('SIGTERM', 30_000) };
}
