import { readdirSync, readFileSync } from 'node:fs';

/**
 * Pids of processes whose real uid is `uid`; zombies only when asked for. Reads /proc synchronously:
 * a few milliseconds for a few hundred processes, far less than the same reads through the thread pool.
 */
export function processesOfUid(uid: number, withZombies = false): number[] {
  const pids: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return pids;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let status: string;
    try {
      status = readFileSync(`/proc/${entry}/status`, 'utf8');
    } catch {
      continue;
    }
    const real = /^Uid:\s+(\d+)/m.exec(status);
    if (real && Number(real[1]) === uid && (withZombies || !/^State:\s+Z/m.test(status)))
      pids.push(Number(entry));
  }
  return pids;
}

/**
 * SIGKILLs every process of `uid` until none is left (a few rounds, since a dying process may have
 * forked). Only for a uid no one else uses: a python step slot held by this worker.
 */
export async function killProcessesOfUid(uid: number): Promise<void> {
  for (let round = 0; round < 20; round++) {
    const pids = processesOfUid(uid);
    if (pids.length === 0) return;
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
