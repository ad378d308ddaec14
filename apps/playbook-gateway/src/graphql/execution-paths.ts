import type { EngineClient, ExecutionDetail } from '@switchyard/engine-client';
import { LRUCache } from 'lru-cache';

export interface ExecutionPaths {
  /** The playbook path of an execution (null when the engine does not know it); an execution's path never changes. */
  pathOf(id: string): Promise<string | null>;
  /** The execution with its events, read once for every caller asking at the same moment. */
  detail(id: string): Promise<ExecutionDetail | null>;
}

/**
 * Authorizing a subscription needs only the execution's path, but the engine answers it with every event of the
 * run. Reads of one execution that overlap are shared, and the path is remembered, so that many subscriptions to
 * one large run cost one engine read instead of one copy of its events each.
 */
export function createExecutionPaths(engine: EngineClient, remember = 10_000): ExecutionPaths {
  const paths = new LRUCache<string, string>({ max: remember });
  const inFlight = new Map<string, Promise<ExecutionDetail | null>>();

  const detail = (id: string): Promise<ExecutionDetail | null> => {
    let read = inFlight.get(id);
    if (!read) {
      read = engine
        .getExecutions([id])
        .then(({ executions }) => {
          const found = executions.find((e) => e.execution_id === id) ?? null;
          if (found) paths.set(id, found.path);
          return found;
        })
        .finally(() => inFlight.delete(id));
      inFlight.set(id, read);
    }
    return read;
  };

  return {
    detail,
    async pathOf(id) {
      return paths.get(id) ?? (await detail(id))?.path ?? null;
    },
  };
}
