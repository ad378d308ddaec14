import type { PythonSettings } from '../settings.js';

/** Who a python step runs as. */
export interface StepUser {
  uid: number;
  gid: number;
  /** True when the worker is root and the step drops to the dedicated uid/gid. */
  dropsPrivileges: boolean;
}

function workerIsRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

let warned = false;

/**
 * Root workers run steps as the dedicated uid/gid. Any other worker cannot switch users, so steps run as
 * the worker's own uid; that is announced once as a process warning (see docs/worker-sandbox.md).
 */
export function stepUser(settings: PythonSettings): StepUser {
  if (workerIsRoot()) return { uid: settings.uid, gid: settings.gid, dropsPrivileges: true };
  if (!warned) {
    warned = true;
    process.emitWarning(
      "python steps run as the worker's own uid: start the worker as root so steps drop to PYTHON_STEP_UID/PYTHON_STEP_GID",
      { code: 'SWITCHYARD_PYTHON_SAME_UID' },
    );
  }
  return {
    uid: process.getuid?.() ?? -1,
    gid: process.getgid?.() ?? -1,
    dropsPrivileges: false,
  };
}

/** One line for the worker's start-up log. */
export function describePythonSandbox(settings: PythonSettings): string {
  return workerIsRoot()
    ? `python steps run as uid ${settings.uid} gid ${settings.gid}`
    : `python steps run as the worker's uid ${process.getuid?.() ?? '?'} (not root: no privilege drop)`;
}
