import { describe, expect, it } from 'vitest';
import { cancellableIterator } from './cancellable-iterator.js';

describe('cancellableIterator', () => {
  it('passes values through and closes once when the source ends', async () => {
    let closed = 0;
    const it = cancellableIterator(
      async function* () {
        yield 1;
        yield 2;
      },
      () => closed++,
    );
    const got: number[] = [];
    for await (const v of it) got.push(v);
    expect(got).toEqual([1, 2]);
    expect(closed).toBe(1);
    expect(await it.next()).toEqual({ done: true, value: undefined });
    expect(closed).toBe(1);
  });

  it('ends a pending next() at once on return() and aborts the source', async () => {
    let closed = 0;
    let signal!: AbortSignal;
    const it = cancellableIterator(
      (s) => {
        signal = s;
        return (async function* () {
          yield 'first';
          // Waits until aborted, like a consumer waiting for the next NATS message.
          await new Promise<void>((resolve) => s.addEventListener('abort', () => resolve(), { once: true }));
        })();
      },
      () => closed++,
    );
    expect(await it.next()).toEqual({ done: false, value: 'first' });
    const pending = it.next();
    await it.return!();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(signal.aborted).toBe(true);
    expect(closed).toBe(1);
  });

  it('closes when the source fails and rethrows the error', async () => {
    let closed = 0;
    const it = cancellableIterator(
      async function* () {
        yield 1;
        throw new Error('boom');
      },
      () => closed++,
    );
    await it.next();
    await expect(it.next()).rejects.toThrow('boom');
    expect(closed).toBe(1);
  });
});
