import { describe, expect, it } from 'vitest';
import { capabilitiesResponse, parseConfigHeader } from './config.js';
import { DcRequestError } from './errors.js';

function errorOf(raw: string | undefined): DcRequestError {
  try {
    parseConfigHeader(raw);
  } catch (error) {
    if (error instanceof DcRequestError) return error;
    throw error;
  }
  throw new Error('expected the config to be rejected');
}

describe('config', () => {
  it('parses the config header', () => {
    expect(parseConfigHeader('{}')).toEqual({});
    expect(parseConfigHeader('{"tables":null}')).toEqual({ tables: null });
    expect(parseConfigHeader('{"tables":["Artist"]}')).toEqual({ tables: ['Artist'] });
  });

  it('rejects a missing, malformed or invalid header, naming the place', () => {
    expect(errorOf(undefined).type).toBe('missing-header');
    expect(errorOf('{').type).toBe('invalid-config');
    expect(errorOf('"x"').details.path).toBe('');
    expect(errorOf('{"tables":[1]}').details.path).toBe('tables[0]');
    expect(errorOf('{"tables":"Artist"}').details.path).toBe('tables');
    expect(errorOf('{"tabels":[]}').details.path).toBe('tabels');
  });

  it('every $ref of the config schema resolves in otherSchemas', () => {
    const { configSchema, otherSchemas } = capabilitiesResponse.configSchemas;
    const refs = JSON.stringify({ configSchema, otherSchemas }).match(/#\/otherSchemas\/\w+/g) ?? [];
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect(otherSchemas[ref.split('/')[2]!]).toBeDefined();
  });
});
