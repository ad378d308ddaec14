import { randomUUID } from 'node:crypto';
import { link, lstat, mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { ToolError } from '../tool-error.js';

/** A uid held by one python step until released. */
export interface UidSlot {
  uid: number;
  /** True when the lock was taken over from a worker that is gone: its processes may still run. */
  takenOver: boolean;
  release(): Promise<void>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function ownerOf(path: string): Promise<number | undefined> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  const pid = Number(text?.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/**
 * Hands out the uids [base, base + count) so that no two python steps run as the same user at the same
 * time, within this worker and across worker processes on the machine: each held uid is a lock file
 * (`<uid>.lock`, holding the worker's pid) in a root-only directory. A lock whose worker is gone is
 * taken over.
 */
export class UidSlots {
  private readonly held = new Set<number>();
  private readonly waiters = new Set<() => void>();
  private ready: Promise<void> | undefined;

  constructor(
    readonly base: number,
    readonly count: number,
    readonly lockDir: string,
  ) {}

  private async prepare(): Promise<void> {
    await mkdir(this.lockDir, { recursive: true, mode: 0o700 });
    const info = await lstat(this.lockDir);
    if (!info.isDirectory() || info.uid !== 0 || (info.mode & 0o077) !== 0)
      throw new ToolError(
        'PYTHON_UNAVAILABLE',
        `python tool: the uid lock directory ${this.lockDir} must be a directory owned by root with mode 0700 (PYTHON_STEP_LOCK_DIR)`,
      );
  }

  private lockPath(uid: number): string {
    return join(this.lockDir, `${uid}.lock`);
  }

  private async create(uid: number): Promise<boolean> {
    try {
      const handle = await open(this.lockPath(uid), 'wx', 0o600);
      try {
        await handle.writeFile(String(process.pid));
      } finally {
        await handle.close();
      }
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    }
  }

  /** Takes over a lock left by a worker that is gone; false if someone else holds it. */
  private async takeOver(uid: number): Promise<boolean> {
    const path = this.lockPath(uid);
    const owner = await ownerOf(path);
    if (owner !== undefined && owner !== process.pid && alive(owner)) return false;
    if (owner === undefined) {
      // A lock is written right after it is created: only an old empty one is stale.
      const info = await stat(path).catch(() => undefined);
      if (!info || Date.now() - info.mtimeMs < 5_000) return false;
    }
    if (owner === process.pid && this.held.has(uid)) return false;
    const aside = `${path}.${randomUUID()}`;
    try {
      await rename(path, aside);
    } catch {
      return false;
    }
    const movedOwner = await ownerOf(aside);
    if (movedOwner !== owner) {
      // Another worker replaced the stale lock in between: put its lock back.
      await link(aside, path).catch(() => undefined);
      await unlink(aside).catch(() => undefined);
      return false;
    }
    await unlink(aside).catch(() => undefined);
    return this.create(uid);
  }

  private async tryLock(uid: number): Promise<'created' | 'taken over' | undefined> {
    if (await this.create(uid)) return 'created';
    return (await this.takeOver(uid)) ? 'taken over' : undefined;
  }

  /** Waits for a free uid; rejects with ABORTED when `signal` fires first. */
  async acquire(signal: AbortSignal): Promise<UidSlot> {
    this.ready ??= this.prepare();
    await this.ready;
    for (;;) {
      if (signal.aborted) throw new ToolError('ABORTED', 'python tool: stopped');
      for (let uid = this.base; uid < this.base + this.count; uid++) {
        if (this.held.has(uid)) continue;
        this.held.add(uid);
        let locked: Awaited<ReturnType<UidSlots['tryLock']>>;
        try {
          locked = await this.tryLock(uid);
        } finally {
          if (!locked) this.held.delete(uid);
        }
        if (locked) return { uid, takenOver: locked === 'taken over', release: () => this.release(uid) };
      }
      await this.waitForRelease(signal);
    }
  }

  private async release(uid: number): Promise<void> {
    await unlink(this.lockPath(uid)).catch(() => undefined);
    this.held.delete(uid);
    for (const wake of this.waiters) wake();
  }

  /** Until a slot of this worker is released, or a second passes (another worker may have freed one). */
  private waitForRelease(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, 1_000);
      this.waiters.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }
}

const registry = new Map<string, UidSlots>();

/** One UidSlots per (base, count, lockDir) in this process. */
export function uidSlotsFor(base: number, count: number, lockDir: string): UidSlots {
  const key = `${base}:${count}:${lockDir}`;
  let slots = registry.get(key);
  if (!slots) {
    slots = new UidSlots(base, count, lockDir);
    registry.set(key, slots);
  }
  return slots;
}
