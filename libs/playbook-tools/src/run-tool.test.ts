import { describe, expect, it } from 'vitest';
import { runTool } from './run-tool.js';
import { toolSettingsFromEnv } from './settings.js';
import type { ToolCall } from './tool-call.js';
import { ToolError } from './tool-error.js';

const settings = toolSettingsFromEnv({});
const base = { args: {}, step: 's', executionId: 'e', signal: new AbortController().signal };

describe('runTool', () => {
  it('dispatches by kind', async () => {
    await expect(
      runTool({ ...base, kind: 'postgres', config: { command: 'select 1' } }, settings),
    ).rejects.toMatchObject({
      code: 'CREDENTIAL_REQUIRED',
    });
    await expect(
      runTool({ ...base, kind: 'http', config: { url: 'http://127.0.0.1:9/' } }, settings),
    ).rejects.toMatchObject({
      code: 'EGRESS_DENIED',
    });
  });

  it('turns an unexpected failure into TOOL_FAILED', async () => {
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = '/nonexistent-switchyard-tmp';
    try {
      await expect(
        runTool({ ...base, kind: 'python', config: { code: 'result = 1' } }, settings),
      ).rejects.toMatchObject({
        code: 'TOOL_FAILED',
        message: expect.stringContaining('python tool: ENOENT'),
      });
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
  });

  it('refuses a kind the worker does not run', async () => {
    const error = await runTool({ ...base, kind: 'auth', config: {} } as unknown as ToolCall, settings).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ToolError);
    expect((error as ToolError).code).toBe('UNKNOWN_TOOL');
  });
});
