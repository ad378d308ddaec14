import { describe, expect, it } from 'vitest';
import { topK } from './top-k.js';

describe('topK', () => {
  it('returns the k smallest in order, matching a full sort', () => {
    let state = 12345;
    const next = () => (state = (state * 1103515245 + 12345) % 2 ** 31);
    const values = Array.from({ length: 2000 }, () => next() % 500);
    const compare = (a: number, b: number) => values[a]! - values[b]! || a - b;
    const positions = values.map((_, i) => i);
    const sorted = [...positions].sort(compare);
    for (const k of [0, 1, 7, 100, 1999, 2000, 5000])
      expect(topK(positions, k, compare)).toEqual(sorted.slice(0, k));
  });
});
