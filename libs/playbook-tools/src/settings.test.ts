import { ConfigError } from '@switchyard/service-kit';
import { describe, expect, it } from 'vitest';
import { toolSettingsFromEnv } from './settings.js';

describe('toolSettingsFromEnv', () => {
  it('has the documented defaults', () => {
    const settings = toolSettingsFromEnv({});
    expect(settings.python).toMatchObject({
      bin: 'python3',
      uid: 61_000,
      gid: 61_000,
      cpuSeconds: 60,
      memoryBytes: 512 * 1024 * 1024,
      maxOutputBytes: 10 * 1024 * 1024,
      wallSeconds: 300,
    });
    expect(settings.http).toMatchObject({ allow: [], timeoutMs: 30_000, maxResponseBytes: 10 * 1024 * 1024 });
    expect(settings.postgres.statementTimeoutMs).toBeGreaterThan(0);
  });

  it('reads each variable', () => {
    const settings = toolSettingsFromEnv({
      HTTP_TOOL_ALLOW: 'api.internal, 10.0.0.0/8',
      PYTHON_STEP_WALL_SECONDS: '5',
      POSTGRES_TOOL_MAX_ROWS: '7',
    });
    expect(settings.http.allow).toEqual(['api.internal', '10.0.0.0/8']);
    expect(settings.python.wallSeconds).toBe(5);
    expect(settings.postgres.maxRows).toBe(7);
  });

  it('names a bad variable', () => {
    expect(() => toolSettingsFromEnv({ PYTHON_STEP_CPU_SECONDS: 'lots' })).toThrow(ConfigError);
    expect(() => toolSettingsFromEnv({ PYTHON_STEP_CPU_SECONDS: 'lots' })).toThrow(/PYTHON_STEP_CPU_SECONDS/);
    expect(() => toolSettingsFromEnv({ HTTP_TOOL_ALLOW: '10.0.0.0/99' })).toThrow(/HTTP_TOOL_ALLOW/);
  });
});
