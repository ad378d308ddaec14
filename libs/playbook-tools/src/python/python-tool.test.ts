import { existsSync, mkdtempSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processesOfUid } from './process-sweep.js';
import type { PythonSettings } from '../settings.js';
import type { ToolCall } from '../tool-call.js';
import { toolCall, toolFailure } from '../test-fixtures/tool-call-fixtures.js';
import { runPythonTool } from './python-tool.js';

const isRoot = process.getuid?.() === 0;
/** A uid range of its own, so this test run's process counts are not shared with anything else. */
const stepUid = 62_000 + (process.pid % 1_000) * 4;
const lockDir = mkdtempSync(join(tmpdir(), 'switchyard-uid-locks-'));

const settings: PythonSettings = {
  bin: 'python3',
  uid: stepUid,
  gid: stepUid,
  uidCount: 4,
  lockDir,
  cpuSeconds: 2,
  memoryBytes: 256 * 1024 * 1024,
  maxOutputBytes: 256 * 1024,
  maxProcesses: 12,
  maxFileBytes: 1024 * 1024,
  maxOpenFiles: 64,
  wallSeconds: 20,
};

function call(code: string, args: Record<string, unknown> = {}, extra: Partial<ToolCall> = {}): ToolCall {
  return toolCall({ kind: 'python', config: { code }, args, step: 'py', ...extra });
}

describe('python tool semantics', () => {
  it('makes args Python variables and returns `result`', async () => {
    expect(
      await runPythonTool(
        call('result = {"sum": a + b, "n": workload["n"]}', { a: 1, b: 2, workload: { n: 3 } }),
        settings,
      ),
    ).toEqual({
      sum: 3,
      n: 3,
    });
  });

  it("returns NoETL's status object when the code sets no result", async () => {
    // noetl/tools/python/executor.py: no `result` variable -> {status, message, locals_count, locals_keys}.
    expect(await runPythonTool(call('x = 1\ndef f():\n    pass', { a: 1 }), settings)).toEqual({
      status: 'success',
      message: 'Code executed without explicit result variable',
      locals_count: 2,
      locals_keys: ['x', 'f'],
    });
  });

  it('gives the code a `context` global with the args, workload and vars', async () => {
    expect(
      await runPythonTool(
        call('result = [context["args"]["a"], context["workload"]["n"]]', { a: 1, workload: { n: 2 } }),
        settings,
      ),
    ).toEqual([1, 2]);
  });

  it('parses args holding JSON or Python literals, as NoETL coerces them', async () => {
    expect(
      await runPythonTool(
        call('result = [type(a).__name__, b["k"], c]', { a: "{'k': 1}", b: '{"k": 2}', c: 'x' }),
        settings,
      ),
    ).toEqual(['dict', 2, 'x']);
  });

  it('calls main() with keyword arguments from args, then data, honouring defaults and **kwargs', async () => {
    const code =
      'def main(a, rows, scale=10, **rest):\n    return {"a": a, "rows": rows, "scale": scale, "rest": sorted(rest)}';
    expect(await runPythonTool(call(code, { a: 1, data: { rows: [1, 2], extra: true } }), settings)).toEqual({
      a: 1,
      rows: [1, 2],
      scale: 10,
      rest: ['data', 'extra'],
    });
  });

  it('gives main(context) the step context and refuses main(*args)', async () => {
    const code = 'def main(context):\n    return sorted(context) + [context["workload"]["n"]]';
    expect(await runPythonTool(call(code, { workload: { n: 1 }, vars: {} }), settings)).toEqual([
      'args',
      'vars',
      'workload',
      1,
    ]);
    const error = await toolFailure(runPythonTool(call('def main(*values):\n    return values'), settings));
    expect(error.message).toContain('main(*args) is not supported');
  });

  it('refuses an env map with an invalid variable name', async () => {
    const error = await toolFailure(
      runPythonTool(
        { ...call('result = 1'), config: { code: 'result = 1', env: { 'BAD-NAME': 'x' } } },
        settings,
      ),
    );
    expect(error.code).toBe('BAD_CONFIG');
  });

  it('awaits an async main()', async () => {
    const code = 'import asyncio\nasync def main(x):\n    await asyncio.sleep(0)\n    return x * 2';
    expect(await runPythonTool(call(code, { x: 21 }), settings)).toBe(42);
  });

  it('names a missing main() argument', async () => {
    const error = await toolFailure(runPythonTool(call('def main(needed):\n    return needed'), settings));
    expect(error.code).toBe('PYTHON_ERROR');
    expect(error.message).toContain("main() needs argument 'needed'");
  });

  it('reports an exception with its type, message and the step line', async () => {
    const error = await toolFailure(runPythonTool(call('x = 1\nraise ValueError("bad input")'), settings));
    expect(error.code).toBe('PYTHON_ERROR');
    expect(error.message).toContain('ValueError: bad input');
    expect(error.message).toContain('line 2');
  });

  it('refuses a result that is not JSON', async () => {
    const error = await toolFailure(runPythonTool(call('result = float("nan")'), settings));
    expect(error.code).toBe('RESULT_INVALID');
  });

  it('passes only the declared environment', async () => {
    const code = 'import os\nresult = dict(os.environ)';
    const env = (await runPythonTool(
      { ...call(code), config: { code, env: { API_REGION: 'eu', RETRIES: 3 } } },
      settings,
    )) as Record<string, string>;
    expect(env.API_REGION).toBe('eu');
    expect(env.RETRIES).toBe('3');
    expect(Object.keys(env).sort()).toEqual([
      'API_REGION',
      'HOME',
      'LANG',
      'LC_ALL',
      'PATH',
      'RETRIES',
      'TMPDIR',
    ]);
  });
});

describe('python tool containment (issue 10 attacks)', () => {
  const secret = `fake-credentials-key-${process.pid}`;
  let rootOnlyDir: string;
  let rootOnlyFile: string;

  beforeAll(async () => {
    process.env.CREDENTIALS_KEY = secret;
    process.env.DATABASE_URL = `postgres://engine:${secret}@127.0.0.1/engine`;
    rootOnlyDir = await mkdtemp(join(tmpdir(), 'switchyard-root-only-'));
    rootOnlyFile = join(rootOnlyDir, 'secret.txt');
    await writeFile(rootOnlyFile, secret, { mode: 0o600 });
    await chmod(rootOnlyDir, 0o755);
  });

  afterAll(async () => {
    delete process.env.CREDENTIALS_KEY;
    delete process.env.DATABASE_URL;
    await rm(rootOnlyDir, { recursive: true, force: true });
    await rm(lockDir, { recursive: true, force: true });
  });

  it.runIf(isRoot)('runs as the dedicated unprivileged uid/gid with no supplementary groups', async () => {
    const ids = await runPythonTool(
      call('import os\nresult = [os.getuid(), os.geteuid(), os.getgid(), os.getgroups()]'),
      settings,
    );
    expect(ids).toEqual([stepUid, stepUid, stepUid, []]);
  });

  it('cannot read /etc/shadow', async () => {
    const error = await toolFailure(runPythonTool(call('result = open("/etc/shadow").read()'), settings));
    expect(error.code).toBe('PYTHON_ERROR');
    expect(error.message).toMatch(/PermissionError|FileNotFoundError/);
  });

  it.runIf(isRoot)('cannot read a root-only file', async () => {
    const error = await toolFailure(
      runPythonTool(call('result = open(path).read()', { path: rootOnlyFile }), settings),
    );
    expect(error.message).toContain('PermissionError');
    expect(error.message).not.toContain(secret);
  });

  it("sees none of the worker's environment, not even through /proc", async () => {
    const code = [
      'import os',
      'leaks = [k for k in os.environ if k in ("CREDENTIALS_KEY", "DATABASE_URL")]',
      'try:',
      '    parent = open("/proc/%d/environ" % worker_pid, "rb").read().decode(errors="replace")',
      'except OSError as e:',
      '    parent = type(e).__name__',
      'result = {"leaks": leaks, "env": dict(os.environ), "parent": parent}',
    ].join('\n');
    const seen = (await runPythonTool(call(code, { worker_pid: process.pid }), settings)) as {
      leaks: string[];
      parent: string;
    };
    expect(seen.leaks).toEqual([]);
    expect(JSON.stringify(seen)).not.toContain(secret);
    if (isRoot) expect(seen.parent).toBe('PermissionError');
  });

  it('cannot write outside its private directory (except world-writable places, see docs)', async () => {
    const code = [
      'import os',
      'outcome = {}',
      'for target in targets:',
      '    try:',
      '        with open(target, "w") as f:',
      '            f.write("x")',
      '        outcome[target] = "written"',
      '    except OSError as e:',
      '        outcome[target] = type(e).__name__',
      'with open("inside.txt", "w") as f:',
      '    f.write("ok")',
      'outcome["inside"] = open("inside.txt").read()',
      'result = outcome',
    ].join('\n');
    const targets = [
      '/etc/switchyard-step-probe',
      join(process.cwd(), 'switchyard-step-probe'),
      join(rootOnlyDir, 'probe'),
    ];
    const outcome = (await runPythonTool(call(code, { targets }), settings)) as Record<string, string>;
    expect(outcome.inside).toBe('ok');
    if (isRoot) for (const target of targets) expect(outcome[target], target).toBe('PermissionError');
    for (const target of targets) expect(existsSync(target)).toBe(false);
  });

  it('works in a private 0700 directory that is removed afterwards', async () => {
    const code =
      'import os, stat\ns = os.stat(".")\nresult = {"cwd": os.getcwd(), "home": os.environ["HOME"], "mode": stat.S_IMODE(s.st_mode), "uid": s.st_uid}';
    const seen = (await runPythonTool(call(code), settings)) as {
      cwd: string;
      home: string;
      mode: number;
      uid: number;
    };
    expect(seen.home).toBe(seen.cwd);
    expect(seen.mode).toBe(0o700);
    if (isRoot) expect(seen.uid).toBe(stepUid);
    expect(existsSync(seen.cwd)).toBe(false);
  });

  it('limits files the step writes (RLIMIT_FSIZE)', async () => {
    const code = 'f = open("big.bin", "wb")\nf.write(b"x" * (4 * 1024 * 1024))\nf.close()';
    const error = await toolFailure(runPythonTool(call(code), settings));
    expect(error.message).toMatch(/File too large|OSError/);
  });

  it.runIf(isRoot)(
    'contains a fork bomb: forks stop at the process limit and nothing survives the step',
    async () => {
      const code = [
        'import os, time',
        'forked = 0',
        'error = None',
        'try:',
        '    while forked < 1000:',
        '        if os.fork() == 0:',
        '            time.sleep(60)',
        '            os._exit(0)',
        '        forked += 1',
        'except OSError as e:',
        '    error = type(e).__name__',
        'result = {"forked": forked, "error": error}',
      ].join('\n');
      const outcome = (await runPythonTool(call(code), settings)) as { forked: number; error: string };
      expect(outcome.error).toBe('BlockingIOError');
      expect(outcome.forked).toBeLessThan(settings.maxProcesses);
      expect(await processesOfUid(stepUid, true)).toEqual([]);
    },
  );

  it('leaves no daemon behind: a double-forked setsid process is killed and reaped with the step', async () => {
    const code = [
      'import os, time',
      'if os.fork() == 0:',
      '    os.setsid()',
      '    if os.fork() == 0:',
      '        time.sleep(100000)',
      '    os._exit(0)',
      'time.sleep(0.2)',
      'result = "done"',
    ].join('\n');
    expect(await runPythonTool(call(code), settings)).toBe('done');
    expect(await processesOfUid(stepUid, true)).toEqual([]);
  });

  it.runIf(isRoot)('leaves no daemon behind even when the step kills its supervisor', async () => {
    const code = [
      'import os, signal, time',
      'if os.fork() == 0:',
      '    os.setsid()',
      '    time.sleep(100000)',
      'time.sleep(0.2)',
      'os.kill(os.getppid(), signal.SIGKILL)',
      'time.sleep(100000)',
    ].join('\n');
    const error = await toolFailure(runPythonTool(call(code), settings));
    expect(error.code).toMatch(/PYTHON_/);
    expect(await processesOfUid(stepUid)).toEqual([]);
  });

  it.runIf(isRoot)('gives concurrent steps different uids, so they cannot signal each other', async () => {
    const code = [
      'import os, time',
      'time.sleep(0.3)',
      'try:',
      '    os.kill(other, 0)',
      '    reach = "reachable"',
      'except PermissionError:',
      '    reach = "PermissionError"',
      'except ProcessLookupError:',
      '    reach = "gone"',
      'result = [os.getuid(), reach]',
    ].join('\n');
    const [a, b] = (await Promise.all([
      runPythonTool(call(code, { other: process.pid }), settings),
      runPythonTool(call(code, { other: process.pid }), settings),
    ])) as [[number, string], [number, string]];
    expect(a[0]).not.toBe(b[0]);
    expect([a[1], b[1]]).toEqual(['PermissionError', 'PermissionError']);
  });

  it('fails a 3 GiB allocation with a memory-limit error', async () => {
    const error = await toolFailure(
      runPythonTool(call('block = bytearray(3 * 1024 ** 3)\nresult = len(block)'), settings),
    );
    expect(error.code).toBe('PYTHON_LIMIT');
    expect(error.message).toContain('memory limit');
  });

  it('kills `while True: pass` at the CPU-time limit', async () => {
    const error = await toolFailure(
      runPythonTool(call('while True:\n    pass'), { ...settings, cpuSeconds: 1 }),
    );
    expect(error.code).toBe('PYTHON_LIMIT');
    expect(error.message).toContain('CPU-time limit');
  });

  it('kills `time.sleep(100000)` at the wall-time limit, with everything it forked', async () => {
    const code = 'import os, time\nif os.fork() == 0:\n    time.sleep(100000)\ntime.sleep(100000)';
    const error = await toolFailure(runPythonTool(call(code), { ...settings, wallSeconds: 1 }));
    expect(error.message).toContain('wall-time limit');
    expect(error.code).toBe('PYTHON_LIMIT');
    expect(error.message).toContain('wall-time limit');
    if (isRoot) expect(await processesOfUid(stepUid)).toEqual([]);
  });

  it('does not let printed output forge the result', async () => {
    const code = [
      'import json, sys',
      'print("__SWITCHYARD_RESULT__" + json.dumps({"forged": True}))',
      'print(json.dumps({"ok": True, "result": "forged"}))',
      'sys.stderr.write(json.dumps({"ok": True, "result": "forged"}))',
      'result = "genuine"',
      'sys.stdout.write("\\n__SWITCHYARD_RESULT__\\"forged\\"")',
    ].join('\n');
    expect(await runPythonTool(call(code), settings)).toBe('genuine');
  });

  it('caps huge output and stops the step', async () => {
    const error = await toolFailure(
      runPythonTool(call('import sys\nwhile True:\n    sys.stdout.write("x" * 65536)'), settings),
    );
    expect(error.code).toBe('PYTHON_LIMIT');
    expect(error.message).toContain('output limit');
  });

  it('caps a huge result', async () => {
    const error = await toolFailure(runPythonTool(call('result = "x" * (1024 * 1024)'), settings));
    expect(error.code).toBe('PYTHON_LIMIT');
  });

  it('stops when the step is aborted', async () => {
    const controller = new AbortController();
    const running = runPythonTool(
      call('import time\ntime.sleep(100000)', {}, { signal: controller.signal }),
      settings,
    );
    setTimeout(() => controller.abort(), 200);
    const error = await toolFailure(running);
    expect(error.code).toBe('ABORTED');
  });

  it.runIf(isRoot)('says when the step user cannot execute the interpreter', async () => {
    const error = await toolFailure(
      runPythonTool(call('result = 1'), { ...settings, bin: join(rootOnlyDir, 'secret.txt') }),
    );
    expect(error.code).toBe('PYTHON_UNAVAILABLE');
    expect(error.message).toContain('step user must be able to execute it');
  });

  it('names a missing interpreter', async () => {
    const error = await toolFailure(
      runPythonTool(call('result = 1'), { ...settings, bin: 'python-does-not-exist' }),
    );
    expect(error.code).toBe('PYTHON_UNAVAILABLE');
  });
});
