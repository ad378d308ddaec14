import { describe, expect, it } from 'vitest';
import { ConfigError } from '@switchyard/service-kit';
import { parseConnectorAgentEnv, scaleFromArgs } from './config.js';

describe('connector agent configuration', () => {
  it('has defaults for every variable', () => {
    const config = parseConnectorAgentEnv({});
    expect(config).toMatchObject({
      PORT: 8100,
      DATASET: 'chinook',
      SYNTHETIC_SCALE: 1,
      SYNTHETIC_SEED: 42,
      MAX_REQUEST_DEPTH: 64,
      MAX_SOURCES: 1000,
    });
    expect(config.DATASET_PATH).toBeUndefined();
  });

  it('names the variable that is wrong', () => {
    expect(() => parseConnectorAgentEnv({ DATASET: 'northwind' })).toThrow(/DATASET/);
    expect(() => parseConnectorAgentEnv({ SYNTHETIC_SCALE: '0' })).toThrow(ConfigError);
    expect(() => parseConnectorAgentEnv({ SYNTHETIC_SCALE: 'big' })).toThrow(
      /SYNTHETIC_SCALE: expected an integer from 1 to 1000/,
    );
  });

  it('reads --scale N and --scale=N', () => {
    expect(scaleFromArgs([])).toBeUndefined();
    expect(scaleFromArgs(['--scale', '100'])).toBe(100);
    expect(scaleFromArgs(['--scale=3'])).toBe(3);
    expect(() => scaleFromArgs(['--scale', 'x'])).toThrow(/--scale expects an integer/);
  });
});
