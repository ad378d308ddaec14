import { spawnSync } from 'node:child_process';
import { chmod, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ToolError } from '../tool-error.js';
import { UidSlots } from './uid-slots.js';

const isRoot = process.getuid?.() === 0;
const never = new AbortController().signal;

/** The pid of a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

const dirs: string[] = [];
async function lockDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'uid-slots-'));
  dirs.push(dir);
  return dir;
}

describe.runIf(isRoot)('UidSlots', () => {
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('hands out distinct uids and gives a released one back', async () => {
    const dir = await lockDir();
    const slots = new UidSlots(70_000, 2, dir);
    const a = await slots.acquire(never);
    const b = await slots.acquire(never);
    expect([a.uid, b.uid]).toEqual([70_000, 70_001]);
    expect(await readFile(join(dir, '70000.lock'), 'utf8')).toBe(String(process.pid));
    const waiting = slots.acquire(never);
    await b.release();
    expect((await waiting).uid).toBe(70_001);
    await a.release();
    expect(await readdir(dir)).toEqual(['70001.lock']);
  });

  it("skips a uid another live worker holds and takes over a dead worker's lock", async () => {
    const dir = await lockDir();
    await writeFile(join(dir, '70100.lock'), String(process.ppid));
    await writeFile(join(dir, '70101.lock'), String(deadPid()));
    const slots = new UidSlots(70_100, 2, dir);
    const slot = await slots.acquire(never);
    expect(slot.uid).toBe(70_101);
    expect(await readFile(join(dir, '70101.lock'), 'utf8')).toBe(String(process.pid));
    await slot.release();
  });

  it('stops waiting when the step is aborted', async () => {
    const dir = await lockDir();
    const slots = new UidSlots(70_200, 1, dir);
    const held = await slots.acquire(never);
    const controller = new AbortController();
    const waiting = slots.acquire(controller.signal);
    controller.abort();
    await expect(waiting).rejects.toBeInstanceOf(ToolError);
    await held.release();
  });

  it('refuses a lock directory others can write to', async () => {
    const dir = await lockDir();
    await chmod(dir, 0o777);
    await expect(new UidSlots(70_300, 1, dir).acquire(never)).rejects.toThrow(/mode 0700/);
  });
});
