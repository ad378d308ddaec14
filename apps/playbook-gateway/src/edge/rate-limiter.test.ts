import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limiter.js';
import { createOriginPolicy, normalizeOrigin } from '@switchyard/service-kit';

describe('RateLimiter', () => {
  it('allows `limit` hits per key and window, then refuses until the window resets', () => {
    let now = 1_000;
    const limiter = new RateLimiter({ limit: 3, windowMs: 1_000, now: () => now });
    expect([1, 2, 3, 4].map(() => limiter.hit('a').allowed)).toEqual([true, true, true, false]);
    expect(limiter.hit('b').allowed).toBe(true);
    const refused = limiter.hit('a');
    expect(refused.remaining).toBe(0);
    expect(refused.retryAfterMs).toBe(1_000);
    now += 400;
    expect(limiter.hit('a').retryAfterMs).toBe(600);
    now += 600;
    expect(limiter.hit('a')).toMatchObject({ allowed: true, remaining: 2 });
  });

  it('keeps at most maxKeys windows', () => {
    const limiter = new RateLimiter({ limit: 1, windowMs: 60_000, maxKeys: 2 });
    limiter.hit('a');
    limiter.hit('b');
    limiter.hit('c'); // evicts a
    expect(limiter.hit('a').allowed).toBe(true);
    expect(limiter.hit('c').allowed).toBe(false);
  });
});

describe('origin policy', () => {
  it('matches normalised origins from the allow-list only', () => {
    const allowed = createOriginPolicy(['https://App.example.com/', 'http://localhost:3000']);
    expect(allowed('https://app.example.com')).toBe(true);
    expect(allowed('http://localhost:3000')).toBe(true);
    expect(allowed('http://localhost:3001')).toBe(false);
    expect(allowed('https://evil.example.com')).toBe(false);
    expect(allowed('null')).toBe(false);
    expect(createOriginPolicy([])('https://app.example.com')).toBe(false);
    expect(createOriginPolicy(['*'])('https://any.example')).toBe(true);
    expect(normalizeOrigin('not a url')).toBeUndefined();
  });
});
