import { ToolError } from '../tool-error.js';

const BASE_PATH = '/usr/local/bin:/usr/bin:/bin';
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The whole environment of a python step: a minimal PATH and LANG, HOME and TMPDIR pointing at the
 * step's private directory, and the variables the step declares in `env`. Nothing of the worker's own
 * environment passes through.
 */
export function stepEnvironment(declared: unknown, workdir: string): Record<string, string> {
  const env: Record<string, string> = { PATH: BASE_PATH, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' };
  if (declared !== undefined && declared !== null) {
    if (typeof declared !== 'object' || Array.isArray(declared))
      throw new ToolError('BAD_CONFIG', 'python tool: env must be a map of variable names to strings');
    for (const [name, value] of Object.entries(declared)) {
      if (!NAME.test(name))
        throw new ToolError('BAD_CONFIG', `python tool: env variable name "${name}" is not valid`);
      if (value === undefined || value === null) continue;
      const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
      if (text.includes('\0'))
        throw new ToolError('BAD_CONFIG', `python tool: env variable ${name} contains a NUL byte`);
      env[name] = text;
    }
  }
  return { ...env, HOME: workdir, TMPDIR: workdir };
}
