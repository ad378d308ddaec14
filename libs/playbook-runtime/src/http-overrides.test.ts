import { describe, expect, it } from 'vitest';
import { applyHttpOverrides } from './http-overrides.js';

describe('http overrides from step args (NoETL task_with)', () => {
  it('replaces the url and merges params, headers, data and payload by method', () => {
    const base = { url: 'http://a/x', method: 'GET', params: { page: 1, q: 'z' }, headers: { a: '1' } };
    expect(
      applyHttpOverrides(base, {
        endpoint: 'http://b/y',
        params: { page: 2 },
        headers: { b: '2' },
        data: { d: 1 },
      }),
    ).toEqual({
      url: 'http://b/y',
      method: 'GET',
      params: { page: 2, q: 'z', d: 1 },
      headers: { a: '1', b: '2' },
    });
    expect(
      applyHttpOverrides(
        { url: 'http://a', method: 'post', body: { a: 1 } },
        { data: { b: 2 }, payload: { c: 3 } },
      ),
    ).toEqual({ url: 'http://a', method: 'post', body: { a: 1, b: 2, c: 3 } });
    expect(applyHttpOverrides(base, { other: 1 })).toEqual(base);
  });
});
