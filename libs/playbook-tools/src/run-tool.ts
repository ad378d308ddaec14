import { runHttpTool } from './http/http-tool.js';
import { runPostgresTool } from './postgres/postgres-tool.js';
import { runPythonTool } from './python/python-tool.js';
import type { ToolSettings } from './settings.js';
import type { ToolCall } from './tool-call.js';
import { ToolError } from './tool-error.js';

/** Runs one tool call; failures are ToolErrors with a code. */
export async function runTool(call: ToolCall, settings: ToolSettings): Promise<unknown> {
  switch (call.kind) {
    case 'python':
      return runPythonTool(call, settings.python);
    case 'http':
      return runHttpTool(call, settings.http);
    case 'postgres':
      return runPostgresTool(call, settings.postgres);
    default:
      throw new ToolError('UNKNOWN_TOOL', `unknown tool kind "${String((call as { kind: unknown }).kind)}"`);
  }
}
