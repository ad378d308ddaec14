import { describe, expect, it } from 'vitest';
import { extractSessionToken, readCookie, tokenFromConnectionParams } from './session-token.js';

describe('session token extraction', () => {
  it('prefers Authorization: Bearer, then X-Session-Token, then the session_token cookie', () => {
    const all = { authorization: 'Bearer aaa', 'x-session-token': 'bbb', cookie: 'x=1; session_token=ccc' };
    expect(extractSessionToken(all)).toEqual({ token: 'aaa', source: 'authorization' });
    expect(extractSessionToken({ ...all, authorization: undefined })).toEqual({
      token: 'bbb',
      source: 'x-session-token',
    });
    expect(extractSessionToken({ cookie: all.cookie })).toEqual({ token: 'ccc', source: 'cookie' });
    expect(extractSessionToken({})).toBeUndefined();
  });

  it('skips a non-bearer or empty Authorization header and empty values', () => {
    expect(extractSessionToken({ authorization: 'Basic dTpw', 'x-session-token': 'bbb' })?.source).toBe(
      'x-session-token',
    );
    expect(
      extractSessionToken({ authorization: 'Bearer ', 'x-session-token': '  ', cookie: 'session_token=' }),
    ).toBeUndefined();
    expect(extractSessionToken({ authorization: 'bearer   tok  ' })?.token).toBe('tok');
  });

  it('reads cookies by exact name, decoding and unquoting values', () => {
    expect(readCookie('a_session_token=no; session_token="q%20v"', 'session_token')).toBe('q v');
    expect(readCookie('session_tokenx=1', 'session_token')).toBeUndefined();
    expect(readCookie(undefined, 'session_token')).toBeUndefined();
  });

  it('reads connection_init payloads', () => {
    expect(tokenFromConnectionParams({ sessionToken: 't1' })?.token).toBe('t1');
    expect(tokenFromConnectionParams({ session_token: 't2' })?.token).toBe('t2');
    expect(tokenFromConnectionParams({ Authorization: 'Bearer t3' })?.token).toBe('t3');
    expect(tokenFromConnectionParams({ sessionToken: 42 })).toBeUndefined();
    expect(tokenFromConnectionParams(undefined)).toBeUndefined();
  });
});
