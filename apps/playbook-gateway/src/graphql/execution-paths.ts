import type { EngineClient, ExecutionDetail } from '@switchyard/engine-client';
import { LRUCache } from 'lru-cache';

/** What authorizing a read of an execution needs; neither ever changes for an execution. */
export interface ExecutionOwnership {
  path: string;
  created_by: string | null;
}

export interface ExecutionPaths {
  /** The playbook path and owner of an execution (null when the engine does not know it). */
  ownershipOf(id: string): Promise<ExecutionOwnership | null>;
  /** The execution with its events, read once for every caller asking at the same moment. */
  detail(id: string): Promise<ExecutionDetail | null>;
}

/**
 * Authorizing a subscription needs only the execution's path and owner, but the engine answers them with every
 * event of the run. Reads of one execution that overlap are shared, and path and owner are remembered, so that many
 * subscriptions to one large run cost one engine read instead of one copy of its events each.
 */
export function createExecutionPaths(engine: EngineClient, remember = 10_000): ExecutionPaths {
  const known = new LRUCache<string, ExecutionOwnership>({ max: remember });
  const inFlight = new Map<string, Promise<ExecutionDetail | null>>();

  const detail = (id: string): Promise<ExecutionDetail | null> => {
    let read = inFlight.get(id);
    if (!read) {
      read = engine
        .getExecutions([id])
        .then(({ executions }) => {
          const found = executions.find((e) => e.execution_id === id) ?? null;
          if (found) known.set(id, { path: found.path, created_by: found.created_by ?? null });
          return found;
        })
        .finally(() => inFlight.delete(id));
      inFlight.set(id, read);
    }
    return read;
  };

  return {
    detail,
    async ownershipOf(id) {
      const cached = known.get(id);
      if (cached) return cached;
      const found = await detail(id);
      return found ? { path: found.path, created_by: found.created_by ?? null } : null;
    },
  };
}
