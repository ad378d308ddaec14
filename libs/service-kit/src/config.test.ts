import { describe, expect, it } from 'vitest';
import { ConfigError, baseServiceEnv, envVar, parseEnv } from './config.js';

describe('parseEnv', () => {
  it('applies defaults for unset and empty variables', () => {
    const config = parseEnv({ PORT: envVar.port(4001), DEBUG: envVar.bool(false) }, { DEBUG: '' });
    expect(config).toEqual({ PORT: 4001, DEBUG: false });
  });

  it('coerces values', () => {
    const config = parseEnv(
      { PORT: envVar.port(1), ON: envVar.bool(false), LIST: envVar.list() },
      { PORT: '8080', ON: 'true', LIST: 'a, b,,c' },
    );
    expect(config).toEqual({ PORT: 8080, ON: true, LIST: ['a', 'b', 'c'] });
  });

  it('names the bad variable and what it expected, in one line', () => {
    let error: unknown;
    try {
      parseEnv(baseServiceEnv(4001), { PORT: 'eighty' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toBe(
      'Invalid environment variable PORT: expected a port number from 0 to 65535, got "eighty"',
    );
    expect(message).not.toContain('\n');
  });

  it('rejects values outside an enum', () => {
    expect(() => parseEnv(baseServiceEnv(1), { LOG_LEVEL: 'loud' })).toThrow(
      /LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent, got "loud"/,
    );
  });
});
