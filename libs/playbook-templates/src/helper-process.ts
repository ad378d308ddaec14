import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { LineSplitter } from './line-splitter.js';

/** What the Python helper answers to one request (see python/render_server.py). */
export interface WireError {
  index: number;
  code: string;
  message: string;
  line: number | null;
}

export interface HelperReply {
  id: number;
  values?: unknown[];
  error?: WireError;
  names?: Array<string[] | null>;
  errors?: WireError[];
}

export interface HelperSettings {
  maxOutputBytes: number;
  memoryBytes: number;
  uid: number | null;
  gid: number | null;
}

export interface HelperLaunch {
  executable: string;
  script: string;
  settings: HelperSettings;
  startTimeoutMs: number;
}

interface Pending {
  id: number;
  resolve: (reply: HelperReply) => void;
  reject: (error: Error) => void;
}

const STDERR_TAIL = 4096;

/**
 * One long-lived Python render server speaking newline-delimited JSON on stdin/stdout. It starts with an empty
 * environment in `/`, answers one request at a time, and reports its exit once.
 */
export class HelperProcess {
  private pending: Pending | undefined;
  private nextId = 1;
  private stderrTail = '';
  private exitError: Error | undefined;
  private readonly exitListeners: Array<(error: Error) => void> = [];
  readonly exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    readonly pid: number,
  ) {
    this.exited = new Promise((resolve) => child.once('close', () => resolve()));
  }

  static launch(options: HelperLaunch): Promise<HelperProcess> {
    const child = spawn(options.executable, ['-I', '-B', options.script, JSON.stringify(options.settings)], {
      env: {},
      cwd: '/',
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    return new Promise((resolve, reject) => {
      let helper: HelperProcess | undefined;
      const fail = (error: Error) => {
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(error);
      };
      const timer = setTimeout(
        () => fail(new Error(`template helper did not start within ${options.startTimeoutMs} ms`)),
        options.startTimeoutMs,
      );
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => {
        if (helper) helper.keepStderr(chunk);
        else stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_TAIL);
      });
      child.once('error', (error) => fail(new Error(`template helper could not start: ${error.message}`)));
      child.once('close', (code, signal) => {
        if (!helper) {
          const last = stderr.trim().split('\n').pop() ?? '';
          fail(
            new Error(
              `template helper exited at start (${signal ?? `code ${code}`})${last ? `: ${last}` : ''}`,
            ),
          );
        }
      });
      child.stdin.on('error', () => undefined);
      const splitter = new LineSplitter((line) => {
        if (helper) {
          helper.onLine(line);
          return;
        }
        try {
          const hello = JSON.parse(line) as { ready?: boolean; pid?: number };
          if (!hello.ready || typeof hello.pid !== 'number') throw new Error(line.slice(0, 200));
          clearTimeout(timer);
          helper = new HelperProcess(child, hello.pid);
          child.once('close', (code, signal) => helper!.handleExit(code, signal));
          resolve(helper);
        } catch (error) {
          fail(new Error(`template helper answered badly at start: ${(error as Error).message}`));
        }
      });
      child.stdout.on('data', (chunk: Buffer) => splitter.push(chunk));
    });
  }

  get alive(): boolean {
    return this.exitError === undefined;
  }

  /** Sends one request (a JSON object text without `id`); the helper must not have another in flight. */
  request(body: string): Promise<HelperReply> {
    if (this.exitError) return Promise.reject(this.exitError);
    if (this.pending) return Promise.reject(new Error('template helper is busy'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending = { id, resolve, reject };
      this.child.stdin.write(`{"id":${id},${body.slice(1)}\n`);
    });
  }

  onExit(listener: (error: Error) => void): void {
    if (this.exitError) listener(this.exitError);
    else this.exitListeners.push(listener);
  }

  /** Ends the helper at once. */
  kill(): void {
    this.child.kill('SIGKILL');
  }

  /** Closes stdin so that the helper ends after its current request; kills it after `graceMs`. */
  async stop(graceMs: number): Promise<void> {
    if (this.exitError) return;
    this.child.stdin.end();
    const timer = setTimeout(() => this.kill(), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  private keepStderr(chunk: Buffer): void {
    this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL);
  }

  private onLine(line: string): void {
    const pending = this.pending;
    if (!pending) return;
    this.pending = undefined;
    let reply: HelperReply;
    try {
      reply = JSON.parse(line) as HelperReply;
    } catch {
      pending.reject(new Error('template helper sent a line that is not JSON'));
      this.kill();
      return;
    }
    if (reply.id !== pending.id) {
      pending.reject(new Error(`template helper answered request ${reply.id} instead of ${pending.id}`));
      this.kill();
      return;
    }
    pending.resolve(reply);
  }

  private handleExit(code: number | null, signal: NodeJS.Signals | null): void {
    const last = this.stderrTail.trim().split('\n').pop() ?? '';
    this.exitError = new Error(
      `template helper exited (${signal ?? `code ${code}`})${last ? `: ${last}` : ''}`,
    );
    const pending = this.pending;
    this.pending = undefined;
    pending?.reject(this.exitError);
    for (const listener of this.exitListeners.splice(0)) listener(this.exitError);
  }
}
