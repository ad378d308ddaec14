import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bin,
  c,
  chinook,
  cols,
  pick,
  rels,
  scalar,
  startChinookAgent,
  type RawRow,
  type RunningAgent,
} from '../test-fixtures/chinook.js';

let agent: RunningAgent;
beforeAll(async () => {
  agent = await startChinookAgent();
});
afterAll(() => agent?.stop());

/** Runs a filter over one table and returns the rows with `fields`, in natural (load) order. */
async function where(
  table: string,
  expression: unknown,
  fields: string[],
  relationships: ReturnType<typeof rels> = [],
) {
  const { status, body } = await agent.post('/query', {
    table,
    table_relationships: relationships,
    query: { fields: cols(...fields), where: expression },
  });
  expect(status, JSON.stringify(body)).toBe(200);
  return body as RawRow[];
}

const rows = (table: string) => chinook()[table]!;
const expectRows = (table: string, test: (r: RawRow) => boolean, fields: string[]) =>
  rows(table)
    .filter(test)
    .map((r) => pick(r, ...fields));

describe('binary_op with scalar values', () => {
  const cases: Array<[string, string, string | number, (v: RawRow[string]) => boolean]> = [
    ['less_than', 'Milliseconds', 10_000, (v) => v !== null && (v as number) < 10_000],
    ['less_than_or_equal', 'Milliseconds', 11_650, (v) => v !== null && (v as number) <= 11_650],
    ['greater_than', 'Milliseconds', 2_000_000, (v) => v !== null && (v as number) > 2_000_000],
    ['greater_than_or_equal', 'Milliseconds', 2_960_293, (v) => v !== null && (v as number) >= 2_960_293],
    ['equal', 'Composer', 'AC/DC', (v) => v === 'AC/DC'],
    ['less_than', 'Name', 'Ab', (v) => v !== null && (v as string) < 'Ab'],
    ['greater_than', 'Composer', 'Y', (v) => v !== null && (v as string) > 'Y'],
  ];
  it.each(cases)('%s on Track.%s', async (operator, column, value, test) => {
    const fields = ['TrackId', column];
    const expected = expectRows('Track', (r) => test(r[column]!), fields);
    expect(expected.length).toBeGreaterThan(0);
    expect(await where('Track', bin(operator, c(column), scalar(value)), fields)).toEqual(expected);
  });

  it('equal on an indexed key uses the same answer as a scan', async () => {
    const expected = expectRows('Track', (r) => r.AlbumId === 10, ['TrackId', 'Name']);
    expect(expected).toHaveLength(14);
    expect(await where('Track', bin('equal', c('AlbumId'), scalar(10)), ['TrackId', 'Name'])).toEqual(
      expected,
    );
  });
});

describe('binary_op with column values', () => {
  it('compares two columns of the same row', async () => {
    const expected = expectRows('PlaylistTrack', (r) => (r.TrackId as number) < (r.PlaylistId as number), [
      'PlaylistId',
      'TrackId',
    ]);
    expect(expected.length).toBeGreaterThan(0);
    const got = await where(
      'PlaylistTrack',
      bin('less_than', c('TrackId'), { type: 'column', column: c('PlaylistId') }),
      ['PlaylistId', 'TrackId'],
    );
    expect(got).toEqual(expected);
  });

  it('compares a column across an object relationship with a column of the row (the cross-table example)', async () => {
    const employees = new Map(rows('Employee').map((e) => [e.EmployeeId, e]));
    const fields = ['CustomerId', 'Country', 'SupportRepId'];
    const expected = expectRows(
      'Customer',
      (r) => employees.get(r.SupportRepId!)?.Country === r.Country,
      fields,
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(rows('Customer').length);
    const got = await where(
      'Customer',
      bin('equal', c('Country', ['SupportRep']), { type: 'column', column: c('Country') }),
      fields,
      rels('Customer'),
    );
    expect(got).toEqual(expected);
  });
});

describe('binary_arr_op in and unary_op is_null', () => {
  it('in on an indexed column, with duplicates and a null among the values', async () => {
    const expected = expectRows('Album', (r) => [1, 8, 90].includes(r.ArtistId as number), [
      'AlbumId',
      'ArtistId',
    ]);
    const got = await where(
      'Album',
      { type: 'binary_arr_op', operator: 'in', column: c('ArtistId'), values: [90, 1, 8, 1, null] },
      ['AlbumId', 'ArtistId'],
    );
    expect(got).toEqual(expected);
  });

  it('in on strings of an unindexed column', async () => {
    const countries = ['Brazil', 'Norway'];
    const expected = expectRows('Customer', (r) => countries.includes(r.Country as string), [
      'CustomerId',
      'Country',
    ]);
    expect(
      await where(
        'Customer',
        { type: 'binary_arr_op', operator: 'in', column: c('Country'), values: countries },
        ['CustomerId', 'Country'],
      ),
    ).toEqual(expected);
  });

  it('in with an empty list matches nothing', async () => {
    expect(
      await where('Album', { type: 'binary_arr_op', operator: 'in', column: c('ArtistId'), values: [] }, [
        'AlbumId',
      ]),
    ).toEqual([]);
  });

  it('is_null and not is_null split the rows', async () => {
    const isNull = { type: 'unary_op', operator: 'is_null', column: c('Composer') };
    const nulls = await where('Track', isNull, ['TrackId']);
    const nonNulls = await where('Track', { type: 'not', expression: isNull }, ['TrackId']);
    expect(nulls).toEqual(expectRows('Track', (r) => r.Composer === null, ['TrackId']));
    expect(nulls).toHaveLength(978);
    expect(nonNulls).toHaveLength(rows('Track').length - 978);
  });
});

describe('and / or / not', () => {
  it('an empty and is true, an empty or is false', async () => {
    expect(await where('Genre', { type: 'and', expressions: [] }, ['GenreId'])).toHaveLength(25);
    expect(await where('Genre', { type: 'or', expressions: [] }, ['GenreId'])).toEqual([]);
    expect(
      await where('Genre', { type: 'not', expression: { type: 'or', expressions: [] } }, ['GenreId']),
    ).toHaveLength(25);
  });

  it('combines nested conjunctions, disjunctions and negations', async () => {
    const expression = {
      type: 'or',
      expressions: [
        {
          type: 'and',
          expressions: [
            bin('equal', c('GenreId'), scalar(1)),
            bin('greater_than', c('Milliseconds'), scalar(600_000)),
          ],
        },
        { type: 'not', expression: bin('less_than_or_equal', c('Bytes'), scalar(900_000_000)) },
      ],
    };
    const expected = expectRows(
      'Track',
      (r) =>
        (r.GenreId === 1 && (r.Milliseconds as number) > 600_000) || !((r.Bytes as number) <= 900_000_000),
      ['TrackId', 'GenreId'],
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(await where('Track', expression, ['TrackId', 'GenreId'])).toEqual(expected);
  });
});

describe('nulls in filters', () => {
  it('equal null matches nothing (use is_null)', async () => {
    expect(await where('Track', bin('equal', c('Composer'), scalar(null)), ['TrackId'])).toEqual([]);
  });

  it('comparisons never match a null column, and not() of them does', async () => {
    const lt = bin('less_than', c('BillingState'), scalar('ZZ'));
    const matched = await where('Invoice', lt, ['InvoiceId']);
    const negated = await where('Invoice', { type: 'not', expression: lt }, ['InvoiceId']);
    expect(matched).toEqual(expectRows('Invoice', (r) => r.BillingState !== null, ['InvoiceId']));
    expect(negated).toEqual(expectRows('Invoice', (r) => r.BillingState === null, ['InvoiceId']));
  });
});

describe('columns across relationship paths', () => {
  it('through an object relationship', async () => {
    const employees = new Map(rows('Employee').map((e) => [e.EmployeeId, e]));
    const expected = expectRows('Customer', (r) => employees.get(r.SupportRepId!)?.FirstName === 'Jane', [
      'CustomerId',
    ]);
    expect(expected.length).toBeGreaterThan(0);
    expect(
      await where(
        'Customer',
        bin('equal', c('FirstName', ['SupportRep']), scalar('Jane')),
        ['CustomerId'],
        rels('Customer'),
      ),
    ).toEqual(expected);
  });

  it('through an array relationship: holds if any related row satisfies it', async () => {
    const albums = rows('Album').filter((a) => (a.Title as string) >= 'T');
    const artistIds = new Set(albums.map((a) => a.ArtistId));
    const expected = expectRows('Artist', (r) => artistIds.has(r.ArtistId!), ['ArtistId', 'Name']);
    expect(expected.length).toBeGreaterThan(0);
    const got = await where(
      'Artist',
      bin('greater_than_or_equal', c('Title', ['Albums']), scalar('T')),
      ['ArtistId', 'Name'],
      rels('Artist'),
    );
    expect(got).toEqual(expected);
  });

  it('through two array relationships (Artist -> Albums -> Tracks)', async () => {
    const longAlbums = new Set(
      rows('Track')
        .filter((t) => (t.Milliseconds as number) > 2_500_000)
        .map((t) => t.AlbumId),
    );
    const artistIds = new Set(
      rows('Album')
        .filter((a) => longAlbums.has(a.AlbumId!))
        .map((a) => a.ArtistId),
    );
    const expected = expectRows('Artist', (r) => artistIds.has(r.ArtistId!), ['ArtistId']);
    expect(expected.length).toBeGreaterThan(0);
    const got = await where(
      'Artist',
      bin('greater_than', c('Milliseconds', ['Albums', 'Tracks']), scalar(2_500_000)),
      ['ArtistId'],
      rels('Artist', 'Album'),
    );
    expect(got).toEqual(expected);
  });

  it('is_null across a path is true if a related row has a null, false when nothing is related', async () => {
    const withNullComposer = new Set(
      rows('Track')
        .filter((t) => t.Composer === null)
        .map((t) => t.AlbumId),
    );
    const expected = expectRows('Album', (r) => withNullComposer.has(r.AlbumId!), ['AlbumId']);
    const got = await where(
      'Album',
      { type: 'unary_op', operator: 'is_null', column: c('Composer', ['Tracks']) },
      ['AlbumId'],
      rels('Album'),
    );
    expect(got).toEqual(expected);
    const topManager = await where(
      'Employee',
      { type: 'unary_op', operator: 'is_null', column: c('EmployeeId', ['Manager']) },
      ['EmployeeId'],
      rels('Employee'),
    );
    expect(topManager).toEqual([]);
  });

  it('in across a path', async () => {
    const tracksOfGenres = new Set(
      rows('Track')
        .filter((t) => t.GenreId === 25)
        .map((t) => t.AlbumId),
    );
    const expected = expectRows('Album', (r) => tracksOfGenres.has(r.AlbumId!), ['AlbumId']);
    const got = await where(
      'Album',
      { type: 'binary_arr_op', operator: 'in', column: c('GenreId', ['Tracks']), values: [25] },
      ['AlbumId'],
      rels('Album'),
    );
    expect(got).toEqual(expected);
  });
});
