import { describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS, resolveOptions } from './engine-options.js';

describe('resolveOptions', () => {
  it('fills defaults and rejects nonsense', () => {
    expect(resolveOptions()).toEqual(DEFAULT_OPTIONS);
    expect(resolveOptions({ poolSize: 3, uid: 1000 })).toMatchObject({ poolSize: 3, uid: 1000, gid: 1000 });
    expect(resolveOptions({ uid: null }).gid).toBeNull();
    expect(() => resolveOptions({ timeoutMs: 0 })).toThrow(/timeoutMs/);
    expect(() => resolveOptions({ uid: -1 })).toThrow(/uid/);
  });
});
