/**
 * CPU time of process trees, read from /proc (Linux): a process's own user + system time plus that of its
 * children it has waited for, summed over its live descendants. The difference of two snapshots is the CPU the
 * tree used in between (children that ended in between are counted through their parent).
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

interface ProcStat {
  pid: number;
  ppid: number;
  /** utime + stime, in ticks. */
  own: number;
  /** cutime + cstime: children that exited and were waited for, in ticks. */
  reaped: number;
}

function readStat(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: split after its last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const n = (i: number) => Number(fields[i - 3]);
    return { pid, ppid: n(4), own: n(14) + n(15), reaped: n(16) + n(17) };
  } catch {
    return undefined;
  }
}

function allStats(): ProcStat[] {
  const stats: ProcStat[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (stat) stats.push(stat);
  }
  return stats;
}

export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

/** The first process whose command line holds every one of `parts`. */
export function findProcess(parts: string[]): number | undefined {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const line = commandLine(Number(name));
    if (line && parts.every((p) => line.includes(p))) return Number(name);
  }
  return undefined;
}

export interface TreeCpu {
  /** The root process's own user + system time. */
  self: number;
  /** The root and every descendant, live or already reaped. */
  tree: number;
  /** Live direct children whose command line matches, with their descendants. */
  matching: number;
}

/** CPU seconds of the tree under `pid`, now; all zero when the process is gone. */
export function treeCpu(pid: number, matching?: RegExp): TreeCpu {
  const byParent = new Map<number, ProcStat[]>();
  const byPid = new Map<number, ProcStat>();
  for (const s of allStats()) {
    byPid.set(s.pid, s);
    const list = byParent.get(s.ppid) ?? [];
    list.push(s);
    byParent.set(s.ppid, list);
  }
  const ticks = (p: number): number => {
    const s = byPid.get(p);
    if (!s) return 0;
    let total = s.own + s.reaped;
    for (const child of byParent.get(p) ?? []) total += ticks(child.pid);
    return total;
  };
  let matched = 0;
  if (matching) {
    for (const child of byParent.get(pid) ?? []) {
      if (matching.test(commandLine(child.pid))) matched += ticks(child.pid);
    }
  }
  return {
    self: (byPid.get(pid)?.own ?? 0) / TICKS_PER_SECOND,
    tree: ticks(pid) / TICKS_PER_SECOND,
    matching: matched / TICKS_PER_SECOND,
  };
}

/** What a tree used between two readings. */
export function cpuBetween(first: TreeCpu, second: TreeCpu): TreeCpu {
  return {
    self: Math.max(0, second.self - first.self),
    tree: Math.max(0, second.tree - first.tree),
    matching: Math.max(0, second.matching - first.matching),
  };
}
