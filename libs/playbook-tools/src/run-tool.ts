import { runHttpTool } from './http/http-tool.js';
import { runPostgresTool } from './postgres/postgres-tool.js';
import { runPythonTool } from './python/python-tool.js';
import type { ToolSettings } from './settings.js';
import type { ToolCall } from './tool-call.js';
import { ToolError } from './tool-error.js';

function dispatch(call: ToolCall, settings: ToolSettings): Promise<unknown> {
  switch (call.kind) {
    case 'python':
      return runPythonTool(call, settings.python);
    case 'http':
      return runHttpTool(call, settings.http);
    case 'postgres':
      return runPostgresTool(call, settings.postgres);
    default:
      return Promise.reject(
        new ToolError('UNKNOWN_TOOL', `unknown tool kind "${String((call as { kind: unknown }).kind)}"`),
      );
  }
}

/** Runs one tool call; every failure is a ToolError with a code (TOOL_FAILED for unexpected ones). */
export async function runTool(call: ToolCall, settings: ToolSettings): Promise<unknown> {
  try {
    return await dispatch(call, settings);
  } catch (error) {
    if (error instanceof ToolError) throw error;
    throw new ToolError(
      'TOOL_FAILED',
      `${String(call.kind)} tool: ${(error as Error)?.message ?? String(error)}`,
      {
        cause: error,
      },
    );
  }
}
