import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const INSTALL_HINT =
  'install Python 3 and Jinja2, e.g. `apt-get install -y --no-install-recommends python3 python3-jinja2` on Debian';

export interface PythonInfo {
  /** The interpreter's own executable (a shim such as pyenv's resolved away), spawned with an empty environment. */
  executable: string;
  jinja2Version: string;
}

/**
 * Asks the configured interpreter for its real executable and its jinja2 version, in isolated mode (-I)
 * as the helpers run, so that a missing jinja2 is reported at start with the way to install it.
 */
export async function findPython(pythonBin: string): Promise<PythonInfo> {
  try {
    const { stdout } = await run(
      pythonBin,
      ['-I', '-c', 'import sys, jinja2; print(sys.executable); print(jinja2.__version__)'],
      { timeout: 15_000, encoding: 'utf8' },
    );
    const [executable, version] = stdout.trim().split('\n');
    if (!executable || !version) throw new Error(`unexpected answer: ${stdout.slice(0, 200)}`);
    return { executable: executable.trim(), jinja2Version: version.trim() };
  } catch (error) {
    const detail =
      (error as { stderr?: string }).stderr?.trim().split('\n').pop() ?? (error as Error).message;
    throw new Error(`templates need ${pythonBin} with jinja2 (${detail}); ${INSTALL_HINT}`);
  }
}
