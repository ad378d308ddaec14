import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import type { ToolCall } from '../tool-call.js';
import { ToolError } from '../tool-error.js';
import type { PythonSettings } from '../settings.js';
import { HARNESS_SOURCE } from './harness-source.js';
import { OutputBudget } from './output-budget.js';
import { stepEnvironment } from './step-environment.js';
import { holdStepUser } from './step-user.js';
import type { StepUser } from './step-user.js';
import { createStepWorkdir, removeStepWorkdir } from './step-workdir.js';

/** What the harness reports on fd 3. */
type HarnessMessage =
  { ok: true; result: unknown } | { ok: false; type: string; message: string; traceback?: string };

/** How the interpreter ended, as seen by the worker. */
interface Ending {
  code: number | null;
  signal: NodeJS.Signals | null;
  killedBy?: 'wall' | 'output' | 'abort';
  message?: string;
  stderr: string;
  spawnError?: NodeJS.ErrnoException;
}

/** Time allowed for the pipes to close after the interpreter exited, before they are torn down. */
const DRAIN_MS = 2_000;
/** Time the supervisor gets to kill and reap the step's processes after SIGTERM, before SIGKILL. */
const STOP_GRACE_MS = 2_000;

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // the group is already gone
  }
}

function tail(text: string, lines = 5): string {
  return text.trim().split('\n').slice(-lines).join(' | ');
}

function runInterpreter(
  call: ToolCall,
  settings: PythonSettings,
  user: StepUser,
  workdir: string,
): Promise<Ending> {
  const env = stepEnvironment(call.config.env, workdir);
  const payload = JSON.stringify({
    code: String(call.config.code ?? ''),
    vars: call.args,
    limits: {
      cpu_seconds: settings.cpuSeconds,
      memory_bytes: settings.memoryBytes,
      max_processes: settings.maxProcesses,
      max_file_bytes: settings.maxFileBytes,
      max_open_files: settings.maxOpenFiles,
    },
  });
  return new Promise((resolve) => {
    let killedBy: Ending['killedBy'];
    const child = spawn(settings.bin, ['-I', '-c', HARNESS_SOURCE], {
      cwd: workdir,
      env,
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
      ...(user.dropsPrivileges ? { uid: user.uid, gid: user.gid } : {}),
    });
    let grace: NodeJS.Timeout | undefined;
    const stopWith = (reason: NonNullable<Ending['killedBy']>) => {
      if (killedBy) return;
      killedBy = reason;
      // The supervisor kills and reaps everything the step started; SIGKILL follows if it does not exit.
      try {
        child.kill('SIGTERM');
      } catch {
        // already gone
      }
      grace = setTimeout(() => killGroup(child.pid), STOP_GRACE_MS);
    };
    const budget = new OutputBudget(settings.maxOutputBytes, () => stopWith('output'));
    const stdout = budget.sink();
    const stderr = budget.sink();
    const result = budget.sink();
    const streams = [child.stdout, child.stderr, child.stdio[3] as Readable | null];
    child.stdout?.on('data', stdout.push);
    child.stderr?.on('data', stderr.push);
    (child.stdio[3] as Readable | null)?.on('data', result.push);
    for (const stream of streams) stream?.on('error', () => undefined);
    child.stdin?.on('error', () => undefined);

    const wall = setTimeout(() => stopWith('wall'), settings.wallSeconds * 1000);
    const onAbort = () => stopWith('abort');
    if (call.signal.aborted) onAbort();
    else call.signal.addEventListener('abort', onAbort, { once: true });

    let drain: NodeJS.Timeout | undefined;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let settled = false;
    const finish = (spawnError?: NodeJS.ErrnoException) => {
      if (settled) return;
      settled = true;
      clearTimeout(wall);
      clearTimeout(drain);
      clearTimeout(grace);
      call.signal.removeEventListener('abort', onAbort);
      killGroup(child.pid);
      for (const stream of streams) stream?.destroy();
      resolve({
        code: exit?.code ?? null,
        signal: exit?.signal ?? null,
        killedBy,
        message: result.text(),
        stderr: stderr.text(),
        spawnError,
      });
    };
    child.on('error', (error: NodeJS.ErrnoException) => finish(error));
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      // Anything still in the interpreter's process group goes with it; pipes held by a process that
      // left the group are torn down after DRAIN_MS (a root worker then kills it by uid).
      killGroup(child.pid);
      drain = setTimeout(() => finish(), DRAIN_MS);
    });
    child.on('close', () => finish());
    child.stdin?.end(payload);
  });
}

function parseMessage(text: string | undefined): HarnessMessage | undefined {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as HarnessMessage;
  } catch {
    return undefined;
  }
}

function outcome(ending: Ending, settings: PythonSettings): unknown {
  if (ending.spawnError) {
    if (ending.spawnError.code === 'ENOENT')
      throw new ToolError(
        'PYTHON_UNAVAILABLE',
        `python tool: "${settings.bin}" is not installed or not on PATH (install python3 or set PYTHON_BIN)`,
      );
    const hint =
      ending.spawnError.code === 'EACCES'
        ? ' (the step user must be able to execute it: use an interpreter outside /root, e.g. /usr/bin/python3)'
        : '';
    throw new ToolError(
      'PYTHON_UNAVAILABLE',
      `python tool: cannot start ${settings.bin}: ${ending.spawnError.message}${hint}`,
    );
  }
  switch (ending.killedBy) {
    case 'abort':
      throw new ToolError('ABORTED', 'python tool: stopped');
    case 'wall':
      throw new ToolError(
        'PYTHON_LIMIT',
        `python tool: killed after the wall-time limit of ${settings.wallSeconds} s`,
      );
    case 'output':
      throw new ToolError(
        'PYTHON_LIMIT',
        `python tool: killed after printing more than the output limit of ${settings.maxOutputBytes} bytes`,
      );
  }
  if (ending.signal === 'SIGXCPU' || ending.signal === 'SIGKILL')
    throw new ToolError(
      'PYTHON_LIMIT',
      ending.signal === 'SIGXCPU'
        ? `python tool: killed after the CPU-time limit of ${settings.cpuSeconds} s`
        : `python tool: killed by SIGKILL (CPU-time limit of ${settings.cpuSeconds} s or out of memory)`,
    );
  const message = parseMessage(ending.message);
  if (!message) {
    const why = ending.signal ? `signal ${ending.signal}` : `exit code ${ending.code}`;
    throw new ToolError(
      'PYTHON_ERROR',
      `python tool: the interpreter ended (${why}) without a result: ${tail(ending.stderr) || 'no output'}`,
    );
  }
  if (message.ok) return message.result;
  if (message.type === 'MemoryError')
    throw new ToolError(
      'PYTHON_LIMIT',
      `python tool: MemoryError: the step exceeded its memory limit of ${settings.memoryBytes} bytes`,
    );
  if (message.type === 'ResultError')
    throw new ToolError('RESULT_INVALID', `python tool: ${message.message}`);
  throw new ToolError(
    'PYTHON_ERROR',
    `python tool: ${message.type}: ${message.message}${message.traceback ? `\n${message.traceback.trim()}` : ''}`,
  );
}

/**
 * `python`: runs `code` in a fresh interpreter as an unprivileged user, in a private directory, with a
 * scrubbed environment, rlimits, a wall-time limit and an output cap. See docs/worker-sandbox.md.
 */
export async function runPythonTool(call: ToolCall, settings: PythonSettings): Promise<unknown> {
  if (typeof call.config.code !== 'string' || call.config.code.trim() === '')
    throw new ToolError('BAD_CONFIG', 'python tool: code is required');
  if (call.signal.aborted) throw new ToolError('ABORTED', 'python tool: stopped');
  const held = await holdStepUser(settings, call.signal);
  let workdir: string | undefined;
  try {
    workdir = await createStepWorkdir(held.user);
    return outcome(await runInterpreter(call, settings, held.user, workdir), settings);
  } finally {
    await held.release();
    if (workdir) await removeStepWorkdir(workdir);
  }
}
