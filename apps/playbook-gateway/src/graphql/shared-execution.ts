import {
  createSourceEventStream,
  execute,
  print,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
} from 'graphql';

type Result = ExecutionResult | Promise<ExecutionResult>;

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

/**
 * A drop-in for graphql's `subscribe` that executes each source payload once per distinct operation: the
 * execution feed hands the same event object to every subscriber of a run, so a thousand subscribers with
 * the same selection cost one execution per event instead of a thousand. Payloads are remembered by identity
 * (WeakMap), so nothing is shared between different objects and nothing outlives the payload.
 */
export function createSharedSubscribe(keyOf: (payload: unknown) => object | undefined = defaultKey) {
  const memo = new WeakMap<object, Map<string, Result>>();
  const printed = new WeakMap<DocumentNode, string>();
  const textOf = (document: DocumentNode) => {
    let text = printed.get(document);
    if (text === undefined) {
      text = print(document);
      printed.set(document, text);
    }
    return text;
  };

  return async function sharedSubscribe(
    args: ExecutionArgs,
  ): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
    const source = await createSourceEventStream(args);
    if (!isAsyncIterable(source)) return source as ExecutionResult;
    const operationKey = `${args.operationName ?? ''}\u0000${JSON.stringify(args.variableValues ?? {})}\u0000${textOf(args.document)}`;
    const iterator = source[Symbol.asyncIterator]();

    const run = (payload: unknown): Result => {
      const key = keyOf(payload);
      if (!key) return execute({ ...args, rootValue: payload });
      let results = memo.get(key);
      if (!results) {
        results = new Map();
        memo.set(key, results);
      }
      let result = results.get(operationKey);
      if (!result) {
        result = execute({ ...args, rootValue: payload });
        results.set(operationKey, result);
      }
      return result;
    };

    const mapped: AsyncIterableIterator<ExecutionResult> = {
      [Symbol.asyncIterator]() {
        return this;
      },
      async next() {
        const item = await iterator.next();
        if (item.done) return { done: true, value: undefined };
        return { done: false, value: await run(item.value) };
      },
      async return() {
        await iterator.return?.();
        return { done: true, value: undefined };
      },
      async throw(error?: unknown) {
        await iterator.return?.();
        throw error;
      },
    };
    return mapped;
  };
}

/** Stream items are `{ value }` wrappers made per subscriber; the value inside is the shared object. */
function defaultKey(payload: unknown): object | undefined {
  if (typeof payload !== 'object' || payload === null || !('value' in payload)) return undefined;
  const value = (payload as { value: unknown }).value;
  return typeof value === 'object' && value !== null ? value : undefined;
}
