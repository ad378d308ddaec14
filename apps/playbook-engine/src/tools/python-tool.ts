import { spawn } from 'node:child_process';
import type { ToolHandler } from './types.js';

const MARKER = '__SWITCHYARD_RESULT__';
const WRAPPER = `
import json, sys
__payload = json.loads(sys.stdin.read())
__scope = dict(__payload["vars"])
__scope["result"] = None
exec(compile(__payload["code"], "<step>", "exec"), __scope)
sys.stdout.write("\\n${MARKER}" + json.dumps(__scope.get("result"), default=str))
`;

/**
 * `python`: runs `code` with python3 in a subprocess. The step's args (and `workload`) are Python
 * variables; the step's result is whatever the code assigns to `result` (JSON-serialisable).
 */
export const pythonTool: ToolHandler = ({ config, args, signal }, runtime) =>
  new Promise((resolve, reject) => {
    const child = spawn(runtime.pythonBin, ['-c', WRAPPER], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      if (stdout.length < 10_000_000) stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      if (stderr.length < 100_000) stderr += d;
    });
    const onAbort = () => child.kill('SIGKILL');
    signal.addEventListener('abort', onAbort, { once: true });
    child.on('error', (error: NodeJS.ErrnoException) => {
      signal.removeEventListener('abort', onAbort);
      if (error.code === 'ENOENT') {
        reject(
          new Error(
            `python tool: "${runtime.pythonBin}" is not installed or not on PATH (install python3 to run python steps)`,
          ),
        );
      } else reject(new Error(`python tool: cannot start ${runtime.pythonBin}: ${error.message}`));
    });
    child.on('close', (code) => {
      signal.removeEventListener('abort', onAbort);
      if (signal.aborted) return reject(new Error('python tool: stopped'));
      const at = stdout.lastIndexOf(MARKER);
      if (code !== 0 || at < 0) {
        const lines = stderr.trim().split('\n');
        return reject(
          new Error(`python tool: exit code ${code}: ${lines.slice(-3).join(' | ') || 'no output'}`),
        );
      }
      try {
        resolve(JSON.parse(stdout.slice(at + MARKER.length)));
      } catch {
        reject(new Error('python tool: result is not JSON-serialisable'));
      }
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(JSON.stringify({ code: String(config.code), vars: args }));
  });
