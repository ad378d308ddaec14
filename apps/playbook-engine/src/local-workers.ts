import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '@switchyard/service-kit';

/** Variables a local worker inherits from the engine; nothing else (no database URL, no keys, no engine token). */
const INHERITED =
  /^(PATH|LANG|LC_[A-Z]+|TZ|NODE_ENV|NODE_OPTIONS|PYTHON_[A-Z_]+|HTTP_TOOL_[A-Z_]+|POSTGRES_TOOL_[A-Z_]+|WORKER_[A-Z_]+|OTEL_[A-Z_]+)$/;

/** The worker's entry next to this app: its TypeScript source when the engine runs from source, else its build. */
function workerCommand(): { args: string[] } {
  const here = fileURLToPath(import.meta.url);
  const appDir = resolve(dirname(here), '../../playbook-worker');
  if (here.endsWith('.ts')) {
    return { args: ['--import', 'tsx', '--conditions=@switchyard/source', join(appDir, 'src/main.ts')] };
  }
  return { args: [join(appDir, 'dist/main.js')] };
}

export interface LocalWorkers {
  readonly pids: number[];
  stop(): Promise<void>;
}

/**
 * Starts `count` worker processes beside the engine (ENGINE_LOCAL_WORKERS) so that `npm start` and a single
 * container run playbooks without a separate worker service. Each gets a scrubbed environment and is restarted
 * if it exits.
 */
export function startLocalWorkers(options: {
  count: number;
  natsUrl: string;
  concurrency: number;
  logger: Logger;
  logLevel?: string;
  /** Set on top of the inherited variables. */
  env?: Record<string, string>;
}): LocalWorkers {
  const { args } = workerCommand();
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && INHERITED.test(key)) env[key] = value;
  }
  Object.assign(env, {
    NATS_URL: options.natsUrl,
    WORKER_CONCURRENCY: String(options.concurrency),
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: options.logLevel ?? process.env.LOG_LEVEL ?? 'info',
    // The worker ends when this engine does, however it ends (SIGKILL included).
    WORKER_PARENT_PID: String(process.pid),
    ...options.env,
  });
  const children = new Map<number, ChildProcess>();
  let stopping = false;

  const launch = (slot: number) => {
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'inherit', 'inherit'] });
    children.set(slot, child);
    child.on('error', (error) => options.logger.error({ err: error, slot }, 'cannot start a local worker'));
    child.on('exit', (code, signal) => {
      if (stopping) return;
      options.logger.warn({ slot, code, signal }, 'local worker exited; restarting it');
      setTimeout(() => {
        if (!stopping) launch(slot);
      }, 1_000).unref();
    });
  };
  for (let slot = 0; slot < options.count; slot++) launch(slot);
  options.logger.info({ count: options.count }, 'local workers started');

  return {
    get pids() {
      return [...children.values()].map((c) => c.pid ?? 0);
    },
    async stop() {
      stopping = true;
      await Promise.all(
        [...children.values()].map(
          (child) =>
            new Promise<void>((resolveExit) => {
              if (child.exitCode !== null || child.signalCode !== null) return resolveExit();
              const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
              child.once('exit', () => {
                clearTimeout(kill);
                resolveExit();
              });
              child.kill('SIGTERM');
            }),
        ),
      );
    },
  };
}
