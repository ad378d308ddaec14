import cluster from 'node:cluster';
import type { Logger } from 'pino';

/**
 * The primary of a multi-process router (`WORKERS` > 1): forks the workers, which share the listening port
 * through node:cluster, replaces a worker that dies, and on SIGTERM/SIGINT lets every worker drain, then exits.
 */
export function runPrimary(count: number, logger: Logger): void {
  let stopping = false;
  const listening = new Set<number>();
  for (let i = 0; i < count; i++) cluster.fork();
  cluster.on('listening', (worker) => listening.add(worker.id));
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit();
      return;
    }
    if (!listening.has(worker.id)) {
      // A worker that never served (a broken supergraph, a taken port) would fail the same way again.
      logger.error({ pid: worker.process.pid, code }, 'router worker failed to start');
      stop('SIGTERM');
      process.exitCode = code ?? 1;
      return;
    }
    logger.error({ pid: worker.process.pid, code, signal }, 'router worker exited; starting another');
    cluster.fork();
  });
  function stop(signal: NodeJS.Signals): void {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping router workers');
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
  }
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
