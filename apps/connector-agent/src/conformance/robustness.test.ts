import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rels, startChinookAgent, type RunningAgent } from '../test-fixtures/chinook.js';

let agent: RunningAgent;
beforeAll(async () => {
  agent = await startChinookAgent();
});
afterAll(() => agent?.stop());

const base = {
  table: 'Artist',
  table_relationships: rels('Artist', 'Album', 'Track'),
  query: {
    fields: {
      Name: { type: 'column', column: 'Name' },
      Albums: {
        type: 'relationship',
        relationship: 'Albums',
        query: {
          fields: {
            Title: { type: 'column', column: 'Title' },
            Tracks: {
              type: 'relationship',
              relationship: 'Tracks',
              query: { fields: { Name: { type: 'column', column: 'Name' } }, limit: 2 },
            },
          },
          order_by: [{ column: 'Title', ordering: 'asc' }],
        },
      },
    },
    where: {
      type: 'and',
      expressions: [
        {
          type: 'binary_op',
          operator: 'greater_than',
          column: { path: ['Albums', 'Tracks'], name: 'Milliseconds' },
          value: { type: 'scalar', value: 300000 },
        },
        {
          type: 'binary_arr_op',
          operator: 'in',
          column: { path: [], name: 'ArtistId' },
          values: [1, 2, 3, 50],
        },
        {
          type: 'not',
          expression: { type: 'unary_op', operator: 'is_null', column: { path: [], name: 'Name' } },
        },
      ],
    },
    order_by: [{ field: 'Name', order_type: 'desc' }],
    limit: 10,
    offset: 0,
  },
};

/** Deterministic pseudo-random numbers, so a failure reproduces. */
function prng(seed: number) {
  let a = seed;
  return () => {
    a = (a * 1664525 + 1013904223) >>> 0;
    return a / 2 ** 32;
  };
}

const ODD_VALUES: unknown[] = [
  null,
  0,
  -1,
  1.5,
  '',
  'x',
  'Artist',
  true,
  [],
  {},
  [1],
  { type: 'column' },
  1e308,
  '__proto__',
];

/** Replaces one randomly chosen member (at any depth) of a copy of `value` with an odd value, or deletes it. */
function mutate(value: unknown, random: () => number): unknown {
  const copy = structuredClone(value);
  const slots: Array<{ parent: Record<string, unknown> | unknown[]; key: string | number }> = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) {
      node.forEach((v, i) => {
        slots.push({ parent: node, key: i });
        walk(v);
      });
    } else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        slots.push({ parent: node as Record<string, unknown>, key: k });
        walk(v);
      }
    }
  };
  walk(copy);
  const slot = slots[Math.floor(random() * slots.length)]!;
  if (random() < 0.15 && !Array.isArray(slot.parent))
    delete (slot.parent as Record<string, unknown>)[slot.key as string];
  else
    (slot.parent as Record<string | number, unknown>)[slot.key] =
      ODD_VALUES[Math.floor(random() * ODD_VALUES.length)];
  return copy;
}

describe('robustness', () => {
  it('answers 200 or a 400 error body to 300 mutated requests, never a 500', async () => {
    expect((await agent.post('/query', base)).status).toBe(200);
    const random = prng(20261121);
    const seen = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const body = mutate(base, random);
      const res = await agent.post('/query', body);
      expect([200, 400], JSON.stringify({ body, res: res.body })).toContain(res.status);
      if (res.status === 400) {
        expect(Object.keys(res.body).sort()).toEqual(['details', 'message', 'type']);
        expect(typeof res.body.details.path).toBe('string');
        seen.add(res.body.type);
      }
    }
    expect(seen.size).toBeGreaterThanOrEqual(4);
    expect((await agent.post('/query', base)).status).toBe(200);
  });
});
