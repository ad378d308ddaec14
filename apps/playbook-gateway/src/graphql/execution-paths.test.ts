import type { EngineClient } from '@switchyard/engine-client';
import { describe, expect, it } from 'vitest';
import { createExecutionPaths } from './execution-paths.js';

/** An engine client that answers getExecutions from a table and counts the requests. */
function countingEngine(paths: Record<string, string>) {
  let requests = 0;
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const engine = {
    async getExecutions(ids: string[]) {
      requests++;
      await gate;
      return {
        executions: ids
          .filter((id) => id in paths)
          .map((id) => ({ execution_id: id, path: paths[id]!, created_by: 'u1', events: [] })),
      };
    },
  } as unknown as EngineClient;
  return { engine, release, requests: () => requests };
}

describe('createExecutionPaths', () => {
  it('shares one engine read among overlapping callers and remembers the path afterwards', async () => {
    const { engine, release, requests } = countingEngine({ e1: 'examples/big' });
    const paths = createExecutionPaths(engine);
    const burst = Promise.all(Array.from({ length: 100 }, () => paths.ownershipOf('e1')));
    release();
    const owned = { path: 'examples/big', created_by: 'u1' };
    expect(await burst).toEqual(Array.from({ length: 100 }, () => owned));
    expect(requests()).toBe(1);
    expect(await paths.ownershipOf('e1')).toEqual(owned);
    expect(requests()).toBe(1);
  });

  it('answers null for an unknown execution and asks again next time', async () => {
    const { engine, release, requests } = countingEngine({});
    release();
    const paths = createExecutionPaths(engine);
    expect(await paths.ownershipOf('nope')).toBeNull();
    expect(await paths.ownershipOf('nope')).toBeNull();
    expect(requests()).toBe(2);
  });
});
