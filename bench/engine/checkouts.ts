/**
 * The two engines the benchmark compares, as built checkouts: "before" is a temporary git worktree of an older
 * commit (installed with `npm ci` and built there, removed afterwards); "after" is this checkout, built in place.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Checkout {
  /** Repository root of the checkout. */
  root: string;
  /** Short commit id, for the report. */
  commit: string;
  /** Removes what was created for the benchmark (nothing for a checkout that was there already). */
  dispose(): Promise<void>;
}

async function sh(command: string, args: string[], cwd: string, what: string): Promise<string> {
  try {
    const { stdout } = await run(command, args, { cwd, maxBuffer: 64 * 1024 * 1024, env: process.env });
    return stdout;
  } catch (error) {
    const e = error as Error & { stdout?: string; stderr?: string };
    throw new Error(
      `${what} failed in ${cwd}: ${e.message}\n${(e.stdout ?? '').slice(-3000)}${(e.stderr ?? '').slice(-3000)}`,
    );
  }
}

async function shortCommit(root: string, rev = 'HEAD'): Promise<string> {
  return (await sh('git', ['rev-parse', '--short', rev], root, 'git rev-parse')).trim();
}

/** Builds the engine, the worker (when the checkout has one) and the libraries they use, with Nx. */
async function buildEngine(root: string, log: (line: string) => void): Promise<void> {
  const projects = ['playbook-engine'];
  if (existsSync(join(root, 'apps/playbook-worker/package.json'))) projects.push('playbook-worker');
  log(`building ${projects.join(', ')} in ${root}`);
  await sh(
    'npx',
    ['nx', 'run-many', '-t', 'build', '-p', ...projects, '--outputStyle=static'],
    root,
    'nx build',
  );
}

/** This checkout, built. */
export async function prepareCurrent(root: string, log: (line: string) => void): Promise<Checkout> {
  await buildEngine(root, log);
  return { root, commit: await shortCommit(root), dispose: async () => undefined };
}

/**
 * `commit` of the repository at `repoRoot`, built. With `existing`, that directory is used as it is (already
 * installed and built, e.g. by an earlier run with --keep-before); otherwise a temporary worktree is added,
 * installed with `npm ci` and built, and `dispose` removes it.
 */
export async function prepareCommit(options: {
  repoRoot: string;
  commit: string;
  existing?: string;
  keep?: boolean;
  log: (line: string) => void;
}): Promise<Checkout> {
  const { repoRoot, commit, log } = options;
  if (options.existing) {
    const actual = await shortCommit(options.existing);
    const wanted = await shortCommit(repoRoot, commit);
    if (actual !== wanted) throw new Error(`${options.existing} is at ${actual}, not at ${wanted}`);
    if (!existsSync(join(options.existing, 'apps/playbook-engine/dist/main.js')))
      await buildEngine(options.existing, log);
    return { root: options.existing, commit: actual, dispose: async () => undefined };
  }
  const parent = mkdtempSync(join(tmpdir(), 'switchyard-bench-before-'));
  const root = join(parent, 'checkout');
  log(`git worktree add ${root} ${commit}`);
  await sh('git', ['worktree', 'add', '--detach', root, commit], repoRoot, 'git worktree add');
  const dispose = async () => {
    if (options.keep) {
      log(`kept ${root} (pass --before-dir ${root} to reuse it)`);
      return;
    }
    await sh('git', ['worktree', 'remove', '--force', root], repoRoot, 'git worktree remove').catch(
      (error: Error) => log(error.message),
    );
    rmSync(parent, { recursive: true, force: true });
  };
  try {
    log('npm ci --prefer-offline --no-audit --no-fund (in the temporary worktree)');
    await sh('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund'], root, 'npm ci');
    await buildEngine(root, log);
    return { root, commit: await shortCommit(root), dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}
