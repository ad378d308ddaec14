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

  it('refuses a kind the worker does not run', async () => {
    const error = await runTool({ ...base, kind: 'auth', config: {} } as unknown as ToolCall, settings).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ToolError);
    expect((error as ToolError).code).toBe('UNKNOWN_TOOL');
  });
});
