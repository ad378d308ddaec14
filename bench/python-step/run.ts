/**
 * What a python step costs to start, to decide whether a warm interpreter pool pays off.
 *
 *   npx tsx --conditions=@switchyard/source bench/python-step/run.ts [--steps 40]
 *
 * Sequential and bounded by --steps (no network). Compares, per step:
 *  - cold:     `python3 -I -c pass`, the bare interpreter start;
 *  - sandbox:  runPythonTool with a one-line step (uid slot, private dir, supervisor + runner, rlimits, sweep);
 *  - warm-exec: one long-lived interpreter that execs each step in a fresh dict (no isolation between steps);
 *  - warm-fork: one long-lived interpreter that forks a child per step (what an isolated pool would do).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { runPythonTool, toolSettingsFromEnv } from '@switchyard/playbook-tools';

const steps = Number(process.argv[process.argv.indexOf('--steps') + 1]) || 40;
const python = process.env.PYTHON_BIN ?? 'python3';
/** The PATH python steps get, so every path starts the same interpreter. */
const env = { PATH: '/usr/local/bin:/usr/bin:/bin', LANG: 'C.UTF-8' };

function summary(name: string, samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return `| ${name} | ${at(0.5).toFixed(1)} | ${at(0.9).toFixed(1)} | ${sorted[0]!.toFixed(1)} |`;
}

function cold(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, ['-I', '-c', 'pass'], { stdio: 'ignore', env });
    child.on('error', reject);
    child.on('exit', () => resolve());
  });
}

const WARM = String.raw`
import json, os, sys
fork = sys.argv[1] == "fork"
for line in sys.stdin:
    job = json.loads(line)
    if fork:
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(r)
            scope = dict(job["vars"])
            exec(job["code"], scope)
            os.write(w, json.dumps(scope.get("result")).encode())
            os._exit(0)
        os.close(w)
        out = b""
        while True:
            chunk = os.read(r, 65536)
            if not chunk:
                break
            out += chunk
        os.close(r)
        os.waitpid(pid, 0)
        sys.stdout.write(out.decode() + "\n")
    else:
        scope = dict(job["vars"])
        exec(job["code"], scope)
        sys.stdout.write(json.dumps(scope.get("result")) + "\n")
    sys.stdout.flush()
`;

function warm(mode: 'exec' | 'fork') {
  const child = spawn(python, ['-I', '-c', WARM, mode], { stdio: ['pipe', 'pipe', 'inherit'], env });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  return {
    async step(code: string, vars: Record<string, unknown>) {
      child.stdin!.write(`${JSON.stringify({ code, vars })}\n`);
      return JSON.parse(String((await lines.next()).value)) as unknown;
    },
    stop: () => child.kill(),
  };
}

const settings = toolSettingsFromEnv({
  ...process.env,
  PYTHON_STEP_LOCK_DIR: mkdtempSync(join(tmpdir(), 'bench-uid-locks-')),
});
const call = (n: number) => ({
  kind: 'python' as const,
  config: { code: 'result = x + 1' },
  args: { x: n },
  step: 'bench',
  executionId: 'bench',
  signal: new AbortController().signal,
});

const exec = warm('exec');
const fork = warm('fork');
await exec.step('result = 0', {});
await fork.step('result = 0', {});
const paths: Array<[string, () => Promise<unknown>]> = [
  ['cold `python3 -I -c pass`', cold],
  ['sandboxed step (runPythonTool)', () => runPythonTool(call(1), settings.python)],
  ['warm interpreter, exec per step', () => exec.step('result = x + 1', { x: 1 })],
  ['warm interpreter, fork per step', () => fork.step('result = x + 1', { x: 1 })],
];
// Round-robin, so every path sees the same machine load.
const samples = paths.map(() => [] as number[]);
for (let i = 0; i < steps; i++) {
  for (const [index, [, run]] of paths.entries()) {
    const start = performance.now();
    await run();
    samples[index]!.push(performance.now() - start);
  }
}
exec.stop();
fork.stop();

console.log(`python step start-up, ${steps} rounds, paths interleaved, worker uid ${process.getuid?.()}`);
console.log('| path | p50 ms | p90 ms | min ms |\n|---|---:|---:|---:|');
paths.forEach(([name], index) => console.log(summary(name, samples[index]!)));
