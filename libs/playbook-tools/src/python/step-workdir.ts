import { chmod, chown, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StepUser } from './step-user.js';

/** A private directory (mode 0700, owned by the step's user) used as the step's cwd, HOME and TMPDIR. */
export async function createStepWorkdir(user: StepUser): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'switchyard-step-'));
  await chmod(dir, 0o700);
  if (user.dropsPrivileges) await chown(dir, user.uid, user.gid);
  return dir;
}

async function makeWritable(dir: string): Promise<void> {
  await chmod(dir, 0o700).catch(() => undefined);
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) if (entry.isDirectory()) await makeWritable(join(dir, entry.name));
}

/** Removes the directory and everything the step left in it, including directories it made read-only. */
export async function removeStepWorkdir(dir: string): Promise<void> {
  try {
    await rm(dir, { recursive: true, force: true });
  } catch {
    await makeWritable(dir);
    await rm(dir, { recursive: true, force: true });
  }
}
