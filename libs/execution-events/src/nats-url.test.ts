import { startNats, type TestNats } from '@switchyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectNats } from './connection.js';
import { parseNatsServers, redactNatsUrl } from './nats-url.js';

describe('parseNatsServers', () => {
  it('takes a token or a user/password out of the URLs', () => {
    expect(parseNatsServers('nats://127.0.0.1:4222')).toEqual({ servers: ['nats://127.0.0.1:4222'] });
    expect(parseNatsServers('nats://s3cr%40t@nats:4222')).toEqual({
      servers: ['nats://nats:4222'],
      token: 's3cr@t',
    });
    expect(parseNatsServers(['nats://u:p@a:4222', 'nats://u:p@b:4222'])).toEqual({
      servers: ['nats://a:4222', 'nats://b:4222'],
      user: 'u',
      pass: 'p',
    });
    expect(parseNatsServers('nats://t@a:4222, b:4223')).toEqual({
      servers: ['nats://a:4222', 'nats://b:4223'],
      token: 't',
    });
    expect(() => parseNatsServers('nats://t1@a:4222,nats://t2@b:4222')).toThrow(/different tokens/);
  });

  it('redacts credentials for logs', () => {
    expect(redactNatsUrl('nats://tok@nats:4222,nats://other:4222')).toBe(
      'nats://***@nats:4222,nats://other:4222',
    );
  });
});

describe('connectNats against a server that requires a token', () => {
  let nats: TestNats;
  beforeAll(async () => {
    nats = await startNats({ token: 'test-token-1234' });
  });
  afterAll(async () => {
    await nats?.stop();
  });

  it('connects with the token in the URL and is refused without it', async () => {
    const withToken = nats.url.replace('nats://', 'nats://test-token-1234@');
    const nc = await connectNats(withToken, { timeout: 5_000 });
    try {
      await nc.flush();
      expect(nc.isClosed()).toBe(false);
    } finally {
      await nc.close();
    }
    await expect(connectNats(nats.url, { timeout: 5_000, maxReconnectAttempts: 0 })).rejects.toThrow(
      /auth|Authorization/i,
    );
    const wrong = nats.url.replace('nats://', 'nats://wrong-token@');
    await expect(connectNats(wrong, { timeout: 5_000, maxReconnectAttempts: 0 })).rejects.toThrow(
      /auth|Authorization/i,
    );
  });
});
