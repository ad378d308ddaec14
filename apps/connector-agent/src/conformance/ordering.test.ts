import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chinook,
  cols,
  pick,
  startChinookAgent,
  type RawRow,
  type RunningAgent,
} from '../test-fixtures/chinook.js';

let agent: RunningAgent;
beforeAll(async () => {
  agent = await startChinookAgent();
});
afterAll(() => agent?.stop());

type Key = [column: string, direction: 'asc' | 'desc'];

/** Written for the test: nulls last ascending, first descending; ties keep load order. */
function sortRows(rows: RawRow[], keys: Key[]): RawRow[] {
  return rows
    .map((row, i) => ({ row, i }))
    .sort((a, b) => {
      for (const [column, direction] of keys) {
        const x = a.row[column] ?? null;
        const y = b.row[column] ?? null;
        if (x === y) continue;
        if (x === null) return direction === 'asc' ? 1 : -1;
        if (y === null) return direction === 'asc' ? -1 : 1;
        const d = x < y ? -1 : 1;
        return direction === 'asc' ? d : -d;
      }
      return a.i - b.i;
    })
    .map((e) => e.row);
}

async function query(table: string, query: Record<string, unknown>) {
  const { status, body } = await agent.post('/query', { table, table_relationships: [], query });
  expect(status, JSON.stringify(body)).toBe(200);
  return body as RawRow[];
}

const rows = (table: string) => chinook()[table]!;

describe('order_by', () => {
  it('nulls sort last ascending', async () => {
    const got = await query('Track', {
      fields: cols('TrackId', 'Composer'),
      order_by: [{ column: 'Composer', ordering: 'asc' }],
    });
    const expected = sortRows(rows('Track'), [['Composer', 'asc']]).map((r) =>
      pick(r, 'TrackId', 'Composer'),
    );
    expect(got).toEqual(expected);
    expect(got[got.length - 1]!.Composer).toBeNull();
    expect(got[0]!.Composer).not.toBeNull();
  });

  it('nulls sort first descending', async () => {
    const got = await query('Track', {
      fields: cols('TrackId', 'Composer'),
      order_by: [{ column: 'Composer', ordering: 'desc' }],
    });
    const expected = sortRows(rows('Track'), [['Composer', 'desc']]).map((r) =>
      pick(r, 'TrackId', 'Composer'),
    );
    expect(got).toEqual(expected);
    expect(got[0]!.Composer).toBeNull();
  });

  it('orders by several keys lexicographically', async () => {
    const keys: Key[] = [
      ['Country', 'asc'],
      ['State', 'desc'],
      ['City', 'asc'],
      ['CustomerId', 'desc'],
    ];
    const got = await query('Customer', {
      fields: cols('CustomerId', 'Country', 'State', 'City'),
      order_by: keys.map(([column, ordering]) => ({ column, ordering })),
    });
    expect(got).toEqual(
      sortRows(rows('Customer'), keys).map((r) => pick(r, 'CustomerId', 'Country', 'State', 'City')),
    );
  });

  it('accepts the { field, order_type } shape with the same result as { column, ordering }', async () => {
    const a = await query('Invoice', {
      fields: cols('InvoiceId', 'Total', 'BillingState'),
      order_by: [
        { field: 'Total', order_type: 'desc' },
        { field: 'BillingState', order_type: 'asc' },
      ],
      limit: 40,
    });
    const b = await query('Invoice', {
      fields: cols('InvoiceId', 'Total', 'BillingState'),
      order_by: [
        { column: 'Total', ordering: 'desc' },
        { column: 'BillingState', ordering: 'asc' },
      ],
      limit: 40,
    });
    expect(a).toEqual(b);
    const expected = sortRows(rows('Invoice'), [
      ['Total', 'desc'],
      ['BillingState', 'asc'],
    ])
      .slice(0, 40)
      .map((r) => pick(r, 'InvoiceId', 'Total', 'BillingState'));
    expect(a).toEqual(expected);
  });

  it('orders strings by code unit (uppercase before lowercase)', async () => {
    const got = await query('Artist', {
      fields: cols('Name'),
      order_by: [{ column: 'Name', ordering: 'asc' }],
    });
    const names = rows('Artist').map((r) => r.Name as string);
    expect(got.map((r) => r.Name)).toEqual([...names].sort());
  });
});

describe('pagination', () => {
  const sorted = () => sortRows(rows('Track'), [['Name', 'asc']]).map((r) => pick(r, 'TrackId', 'Name'));
  const page = (limit: number | null, offset: number | null) =>
    query('Track', {
      fields: cols('TrackId', 'Name'),
      order_by: [{ column: 'Name', ordering: 'asc' }],
      limit,
      offset,
    });

  it('limit and offset select a window of the ordered rows (top-k)', async () => {
    expect(await page(10, 0)).toEqual(sorted().slice(0, 10));
    expect(await page(25, 100)).toEqual(sorted().slice(100, 125));
  });

  it('limit 0 returns no rows', async () => {
    expect(await page(0, 0)).toEqual([]);
    expect(await query('Genre', { fields: cols('GenreId'), limit: 0 })).toEqual([]);
  });

  it('an offset past the end returns no rows; a window running past the end is cut', async () => {
    expect(await page(10, 3503)).toEqual([]);
    expect(await page(null, 10_000)).toEqual([]);
    expect(await page(10, 3498)).toEqual(sorted().slice(3498));
  });

  it('offset without limit, limit without order, and null limit/offset', async () => {
    expect(await page(null, 3400)).toEqual(sorted().slice(3400));
    expect(await query('Genre', { fields: cols('GenreId'), limit: 3, offset: 2 })).toEqual([
      { GenreId: 3 },
      { GenreId: 4 },
      { GenreId: 5 },
    ]);
    expect(await query('Genre', { fields: cols('GenreId'), limit: null, offset: null })).toHaveLength(25);
  });

  it('a limit bigger than the table returns every row', async () => {
    expect(await query('MediaType', { fields: cols('MediaTypeId'), limit: 1000 })).toHaveLength(5);
  });
});

describe('response shape', () => {
  it('keys are exactly the requested field names in request order, with null for null values', async () => {
    const got = await query('Customer', {
      fields: {
        Surname: { type: 'column', column: 'LastName' },
        Co: { type: 'column', column: 'Company' },
        Id: { type: 'column', column: 'CustomerId' },
      },
      where: {
        type: 'binary_op',
        operator: 'equal',
        column: { path: [], name: 'CustomerId' },
        value: { type: 'scalar', value: 2 },
      },
    });
    expect(got).toEqual([{ Surname: 'Köhler', Co: null, Id: 2 }]);
    expect(Object.keys(got[0]!)).toEqual(['Surname', 'Co', 'Id']);
  });

  it('empty fields give empty objects, one per row', async () => {
    expect(await query('MediaType', { fields: {} })).toEqual([{}, {}, {}, {}, {}]);
  });
});
