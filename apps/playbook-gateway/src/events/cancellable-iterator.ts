const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

/**
 * Wraps an async iterable that honours an AbortSignal so that `return()` ends it at once, even while a
 * `next()` is waiting (an async generator's own `return()` would wait for its pending await first).
 * `onClose` runs exactly once, whether the source ended, failed or the consumer stopped.
 */
export function cancellableIterator<T>(
  produce: (signal: AbortSignal) => AsyncIterable<T>,
  onClose?: () => void,
): AsyncIterableIterator<T> {
  const controller = new AbortController();
  let source: AsyncIterator<T> | undefined;
  let finished = false;
  let pending: ((result: IteratorResult<T>) => void) | undefined;

  const finish = () => {
    if (finished) return;
    finished = true;
    controller.abort();
    onClose?.();
  };

  const stop = async (): Promise<IteratorReturnResult<undefined>> => {
    const waiting = pending;
    pending = undefined;
    finish();
    waiting?.(DONE);
    if (source?.return) void Promise.resolve(source.return()).catch(() => undefined);
    return DONE;
  };

  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    next() {
      if (finished) return Promise.resolve(DONE);
      source ??= produce(controller.signal)[Symbol.asyncIterator]();
      const current = source;
      return new Promise<IteratorResult<T>>((resolve, reject) => {
        pending = resolve;
        current.next().then(
          (result) => {
            pending = undefined;
            if (result.done) finish();
            resolve(result);
          },
          (error: unknown) => {
            pending = undefined;
            finish();
            reject(error);
          },
        );
      });
    },
    return: stop,
    async throw(error?: unknown) {
      await stop();
      throw error;
    },
  };
}
