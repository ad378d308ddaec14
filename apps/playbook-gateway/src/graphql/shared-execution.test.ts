import { buildSchema, parse, type ExecutionResult } from 'graphql';
import { describe, expect, it } from 'vitest';
import { attachResolvers } from './schema.js';
import { createSharedSubscribe } from './shared-execution.js';

describe('createSharedSubscribe', () => {
  it('executes a shared payload once per distinct operation and keeps per-subscriber payloads apart', async () => {
    let resolved = 0;
    const shared = [{ n: 1 }, { n: 2 }];
    const schema = attachResolvers(
      buildSchema(
        'type Query { x: Int } type Item { n: Int! } type Subscription { items(own: Boolean): Item! }',
      ),
      {
        Subscription: {
          items: {
            subscribe: async function* (_: unknown, args: { own?: boolean }) {
              for (const item of shared) yield { value: args.own ? { ...item } : item };
            },
            resolve: (payload: { value: { n: number } }) => payload.value,
          },
        },
        Item: {
          n: (item: { n: number }) => {
            resolved++;
            return item.n;
          },
        },
      },
    );
    const subscribe = createSharedSubscribe();
    const collect = async (query: string) => {
      const it = (await subscribe({
        schema,
        document: parse(query),
      })) as AsyncIterableIterator<ExecutionResult>;
      const out: unknown[] = [];
      for await (const r of it) out.push(r.data);
      return out;
    };
    const a = await collect('subscription { items { n } }');
    const b = await collect('subscription { items { n } }');
    expect(a).toEqual([{ items: { n: 1 } }, { items: { n: 2 } }]);
    expect(b).toEqual(a);
    expect(resolved).toBe(2);
    await collect('subscription { items { n __typename } }'); // another selection: executed again
    expect(resolved).toBe(4);
    await collect('subscription { items(own: true) { n } }'); // fresh objects: never shared
    await collect('subscription { items(own: true) { n } }');
    expect(resolved).toBe(8);
  });
});
