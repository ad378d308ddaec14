import { existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Finds an executable on PATH or in `extraDirs`; throws an error that says how to install it. */
export function findBinary(name: string, installHint: string, extraDirs: string[] = []): string {
  const dirs = [...extraDirs, ...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin'];
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`${name} not found on PATH: ${installHint}`);
}

/** Postgres server binary directories, newest major first (Debian layout /usr/lib/postgresql/N/bin). */
export function postgresBinDirs(): string[] {
  const root = '/usr/lib/postgresql';
  const fromEnv = process.env.PG_BIN_DIR ? [process.env.PG_BIN_DIR] : [];
  if (!existsSync(root)) return fromEnv;
  const versions = readdirSync(root)
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a));
  return [...fromEnv, ...versions.map((v) => join(root, v, 'bin'))];
}
