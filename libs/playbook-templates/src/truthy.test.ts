import { describe, expect, it } from 'vitest';
import { truthy } from './truthy.js';

describe('truthy', () => {
  it('follows Jinja truthiness for rendered values', () => {
    for (const value of [[], {}, '', '  ', 'false', 'None', ' 0 ', 0, null, undefined, false]) {
      expect(truthy(value), JSON.stringify(value)).toBe(false);
    }
    for (const value of [[0], { a: 1 }, 'x', 'true', 1, -1, true]) {
      expect(truthy(value), JSON.stringify(value)).toBe(true);
    }
  });
});
