import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { tsNodeArgs, workspaceRoot } from '@switchyard/testing';
import { describe, expect, it } from 'vitest';

const isRoot = process.getuid?.() === 0;
const NOBODY = 65_534;
const fixture = fileURLToPath(new URL('../test-fixtures/non-root-steps.ts', import.meta.url));

function runAsNobody(): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, tsNodeArgs(fixture), {
      cwd: workspaceRoot,
      uid: NOBODY,
      gid: NOBODY,
      env: { PATH: process.env.PATH, HOME: '/tmp', TMPDIR: '/tmp' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`exit ${code}: ${err}`))));
  });
}

describe.runIf(isRoot)('python tool in a worker that is not root', () => {
  it("runs steps as the worker's uid, says so once, and still leaves nothing behind", async () => {
    const report = JSON.parse((await runAsNobody()).trim().split('\n').pop()!) as {
      uid: number;
      identity: number;
      daemon: number;
      daemonAlive: boolean;
      sleeper: { code: string };
      warnings: string[];
    };
    expect(report.uid).toBe(NOBODY);
    expect(report.identity).toBe(NOBODY);
    expect(report.warnings).toEqual(['SWITCHYARD_PYTHON_SAME_UID']);
    expect(report.sleeper.code).toBe('PYTHON_LIMIT');
    expect(typeof report.daemon).toBe('number');
    expect(report.daemonAlive).toBe(false);
  });
});
