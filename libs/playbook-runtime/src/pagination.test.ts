import { describe, expect, it } from 'vitest';
import { collectPage, withCollected, type PageCollection } from './pagination.js';

describe('collect (NoETL pagination_state)', () => {
  it('appends, extends and replaces pages picked by path; missing paths collect nothing', () => {
    const state: PageCollection = { items: [], pages: 0 };
    collectPage(state, { strategy: 'extend', path: 'data.items' }, { data: { items: [1, 2] } });
    collectPage(state, { strategy: 'append', path: 'data.items' }, { data: { items: [3] } });
    collectPage(state, { strategy: 'append', path: 'data.nothing' }, { data: { items: [4] } });
    expect(state).toEqual({ items: [1, 2, [3]], pages: 2 });
    collectPage(state, { strategy: 'replace' }, 'last');
    expect(state).toEqual({ items: ['last'], pages: 3 });
  });

  it('merges what was collected into the result, or wraps a non-mapping result', () => {
    const state: PageCollection = { items: [[1, 2], 3], pages: 2 };
    expect(withCollected({ status_code: 200 }, state)).toEqual({
      status_code: 200,
      _pagination: { pages_collected: 2, all_items: [[1, 2], 3] },
      _all_collected_items: [1, 2, 3],
    });
    expect(withCollected('x', state)).toMatchObject({
      original_result: 'x',
      _all_collected_items: [1, 2, 3],
    });
    expect(withCollected('x', { items: [], pages: 0 })).toBe('x');
  });
});
