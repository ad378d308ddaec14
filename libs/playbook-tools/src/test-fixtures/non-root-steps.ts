/**
 * Runs a few python steps in a worker that is not root and prints what happened as one JSON line.
 * Started by python-tool.non-root.test.ts as an unprivileged user.
 */
import { runPythonTool } from '../python/python-tool.js';
import { toolSettingsFromEnv } from '../settings.js';

const warnings: string[] = [];
process.on('warning', (warning) => warnings.push(String((warning as { code?: string }).code)));

const settings = { ...toolSettingsFromEnv({}).python, wallSeconds: 2 };
const step = (code: string) =>
  runPythonTool(
    {
      kind: 'python',
      config: { code },
      args: {},
      step: 's',
      executionId: 'e',
      signal: new AbortController().signal,
    },
    settings,
  ).catch((error: unknown) => ({ code: (error as { code?: string }).code }));

const identity = await step('import os\nresult = os.getuid()');
const daemon = (await step(
  'import os, time\npid = os.fork()\nif pid == 0:\n    os.setsid()\n    time.sleep(100000)\nresult = pid',
)) as number;
const daemonAlive = (() => {
  try {
    process.kill(daemon, 0);
    return true;
  } catch {
    return false;
  }
})();
const sleeper = await step('import time\ntime.sleep(100000)');
await new Promise((resolve) => setImmediate(resolve));
process.stdout.write(
  `${JSON.stringify({ uid: process.getuid?.(), identity, daemon, daemonAlive, sleeper, warnings })}\n`,
);
