import { describe, expect, it } from 'vitest';
import { ConfigError } from '@switchyard/service-kit';
import { parseGatewayEnv } from './config.js';

describe('gateway config', () => {
  it('has working defaults', () => {
    const c = parseGatewayEnv({});
    expect(c.PORT).toBe(8090);
    expect(c.NOETL_BASE_URL).toBe('http://localhost:8082');
    expect(c.NATS_UPDATES_SUBJECT_PREFIX).toBe('playbooks.executions.');
    expect(c.CORS_ORIGINS).toEqual([]);
    expect(c.RATE_LIMIT_ENABLED).toBe(true);
  });

  it('takes ROUTER_PORT over PORT, and PORT when ROUTER_PORT is unset', () => {
    expect(parseGatewayEnv({ ROUTER_PORT: '9000', PORT: '9001' }).PORT).toBe(9000);
    expect(parseGatewayEnv({ PORT: '9001' }).PORT).toBe(9001);
  });

  it('names the bad variable', () => {
    expect(() => parseGatewayEnv({ SESSION_CACHE_TTL_MS: 'soon' })).toThrow(ConfigError);
    expect(() => parseGatewayEnv({ ROUTER_PORT: 'x' })).toThrow(/ROUTER_PORT/);
    expect(parseGatewayEnv({ CORS_ORIGINS: 'http://a.test, http://b.test' }).CORS_ORIGINS).toEqual([
      'http://a.test',
      'http://b.test',
    ]);
  });
});
