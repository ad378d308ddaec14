import { describe, expect, it } from 'vitest';
import { NamesCache } from './names-cache.js';

describe('NamesCache', () => {
  it('drops the least recently used source when full', () => {
    const cache = new NamesCache(2);
    cache.set('a', ['x']);
    cache.set('b', ['y']);
    expect(cache.get('a')).toEqual(['x']);
    cache.set('c', []);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toEqual(['x']);
    expect(cache.get('c')).toEqual([]);
    expect(cache.size).toBe(2);
  });
});
