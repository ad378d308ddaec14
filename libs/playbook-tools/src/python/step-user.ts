import type { PythonSettings } from '../settings.js';
import { killProcessesOfUid } from './process-sweep.js';
import { uidSlotsFor } from './uid-slots.js';

/** Who a python step runs as. */
export interface StepUser {
  uid: number;
  gid: number;
  /** True when the worker is root and the step drops to a uid of its own. */
  dropsPrivileges: boolean;
}

/** A step user held for one step; `release` kills whatever still runs as it and frees the uid. */
export interface HeldStepUser {
  user: StepUser;
  release(): Promise<void>;
}

function workerIsRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

let warned = false;

/**
 * A root worker runs each step as a uid of its own from [uid, uid + uidCount), so concurrent steps
 * cannot signal, trace or read each other, and everything left running as that uid is killed when the
 * step ends. A worker that is not root cannot switch users: steps run as the worker's own uid, which is
 * announced once as a process warning (see docs/worker-sandbox.md).
 */
export async function holdStepUser(settings: PythonSettings, signal: AbortSignal): Promise<HeldStepUser> {
  if (!workerIsRoot()) {
    if (!warned) {
      warned = true;
      process.emitWarning(
        "python steps run as the worker's own uid: start the worker as root so steps drop to PYTHON_STEP_UID",
        { code: 'SWITCHYARD_PYTHON_SAME_UID' },
      );
    }
    const user = { uid: process.getuid?.() ?? -1, gid: process.getgid?.() ?? -1, dropsPrivileges: false };
    return { user, release: async () => undefined };
  }
  const slot = await uidSlotsFor(settings.uid, settings.uidCount, settings.lockDir).acquire(signal);
  // A uid is swept when its step ends; one taken over from a worker that died mid-step is swept first.
  if (slot.takenOver) {
    try {
      await killProcessesOfUid(slot.uid);
    } catch (error) {
      await slot.release();
      throw error;
    }
  }
  let released = false;
  return {
    user: { uid: slot.uid, gid: settings.gid, dropsPrivileges: true },
    release: async () => {
      if (released) return;
      released = true;
      try {
        await killProcessesOfUid(slot.uid);
      } finally {
        await slot.release();
      }
    },
  };
}

/** One line for the worker's start-up log. */
export function describePythonSandbox(settings: PythonSettings): string {
  return workerIsRoot()
    ? `python steps run as uids ${settings.uid}-${settings.uid + settings.uidCount - 1} (one per running step), gid ${settings.gid}`
    : `python steps run as the worker's uid ${process.getuid?.() ?? '?'} (not root: no privilege drop)`;
}
