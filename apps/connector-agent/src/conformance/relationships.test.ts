import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chinook,
  cols,
  rels,
  startChinookAgent,
  type RawRow,
  type RunningAgent,
} from '../test-fixtures/chinook.js';

let agent: RunningAgent;
beforeAll(async () => {
  agent = await startChinookAgent();
});
afterAll(() => agent?.stop());

const rows = (table: string) => chinook()[table]!;
const byKey = (table: string, key: string) => {
  const map = new Map<unknown, RawRow[]>();
  for (const r of rows(table)) {
    const list = map.get(r[key]) ?? [];
    list.push(r);
    map.set(r[key], list);
  }
  return map;
};

async function query(body: Record<string, unknown>) {
  const { status, body: res } = await agent.post('/query', body);
  expect(status, JSON.stringify(res)).toBe(200);
  return res as Array<Record<string, unknown>>;
}

describe('relationship fields', () => {
  it('object relationship gives an object, or null when nothing is related', async () => {
    const got = await query({
      table: 'Employee',
      table_relationships: rels('Employee'),
      query: {
        fields: {
          EmployeeId: { type: 'column', column: 'EmployeeId' },
          Manager: {
            type: 'relationship',
            relationship: 'Manager',
            query: { fields: cols('EmployeeId', 'LastName') },
          },
        },
      },
    });
    const employees = new Map(rows('Employee').map((e) => [e.EmployeeId, e]));
    expect(got).toEqual(
      rows('Employee').map((e) => {
        const m = e.ReportsTo === null ? undefined : employees.get(e.ReportsTo);
        return {
          EmployeeId: e.EmployeeId,
          Manager: m ? { EmployeeId: m.EmployeeId, LastName: m.LastName } : null,
        };
      }),
    );
    expect(got[0]!.Manager).toBeNull();
  });

  it('array relationship gives an array (empty when nothing is related)', async () => {
    const got = await query({
      table: 'Artist',
      table_relationships: rels('Artist'),
      query: {
        fields: {
          ArtistId: { type: 'column', column: 'ArtistId' },
          Albums: { type: 'relationship', relationship: 'Albums', query: { fields: cols('AlbumId') } },
        },
      },
    });
    const albums = byKey('Album', 'ArtistId');
    expect(got).toEqual(
      rows('Artist').map((a) => ({
        ArtistId: a.ArtistId,
        Albums: (albums.get(a.ArtistId) ?? []).map((x) => ({ AlbumId: x.AlbumId })),
      })),
    );
    expect(got.some((a) => (a.Albums as unknown[]).length === 0)).toBe(true);
  });

  it('each relationship query has its own where, order_by, limit and offset', async () => {
    const got = await query({
      table: 'Album',
      table_relationships: rels('Album'),
      query: {
        fields: {
          AlbumId: { type: 'column', column: 'AlbumId' },
          Tracks: {
            type: 'relationship',
            relationship: 'Tracks',
            query: {
              fields: cols('TrackId', 'Milliseconds'),
              where: {
                type: 'binary_op',
                operator: 'greater_than',
                column: { path: [], name: 'Milliseconds' },
                value: { type: 'scalar', value: 200_000 },
              },
              order_by: [{ column: 'Milliseconds', ordering: 'desc' }],
              limit: 2,
              offset: 1,
            },
          },
        },
        where: {
          type: 'binary_op',
          operator: 'less_than_or_equal',
          column: { path: [], name: 'AlbumId' },
          value: { type: 'scalar', value: 20 },
        },
      },
    });
    const tracks = byKey('Track', 'AlbumId');
    const expected = rows('Album')
      .filter((a) => (a.AlbumId as number) <= 20)
      .map((a) => ({
        AlbumId: a.AlbumId,
        Tracks: (tracks.get(a.AlbumId) ?? [])
          .filter((t) => (t.Milliseconds as number) > 200_000)
          .sort((x, y) => (y.Milliseconds as number) - (x.Milliseconds as number))
          .slice(1, 3)
          .map((t) => ({ TrackId: t.TrackId, Milliseconds: t.Milliseconds })),
      }));
    expect(got).toEqual(expected);
  });

  it('an object relationship whose row is filtered out by its where is null', async () => {
    const got = await query({
      table: 'Album',
      table_relationships: rels('Album'),
      query: {
        fields: {
          AlbumId: { type: 'column', column: 'AlbumId' },
          Artist: {
            type: 'relationship',
            relationship: 'Artist',
            query: {
              fields: cols('Name'),
              where: {
                type: 'binary_op',
                operator: 'equal',
                column: { path: [], name: 'ArtistId' },
                value: { type: 'scalar', value: 1 },
              },
            },
          },
        },
        limit: 5,
      },
    });
    expect(got).toEqual([
      { AlbumId: 1, Artist: { Name: 'AC/DC' } },
      { AlbumId: 2, Artist: null },
      { AlbumId: 3, Artist: null },
      { AlbumId: 4, Artist: { Name: 'AC/DC' } },
      { AlbumId: 5, Artist: null },
    ]);
  });

  it('nests relationships three deep: Artist -> Albums -> Tracks -> Genre and InvoiceLines', async () => {
    const got = await query({
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
                  query: {
                    fields: {
                      Name: { type: 'column', column: 'Name' },
                      Genre: { type: 'relationship', relationship: 'Genre', query: { fields: cols('Name') } },
                      InvoiceLines: {
                        type: 'relationship',
                        relationship: 'InvoiceLines',
                        query: {
                          fields: cols('InvoiceId'),
                          order_by: [{ column: 'InvoiceId', ordering: 'desc' }],
                        },
                      },
                    },
                    order_by: [{ field: 'Name', order_type: 'asc' }],
                    limit: 3,
                  },
                },
              },
              order_by: [{ column: 'Title', ordering: 'asc' }],
            },
          },
        },
        where: {
          type: 'binary_arr_op',
          operator: 'in',
          column: { path: [], name: 'ArtistId' },
          values: [1, 50, 150],
        },
        order_by: [{ column: 'Name', ordering: 'desc' }],
      },
    });
    const albums = byKey('Album', 'ArtistId');
    const tracks = byKey('Track', 'AlbumId');
    const lines = byKey('InvoiceLine', 'TrackId');
    const genres = new Map(rows('Genre').map((g) => [g.GenreId, g]));
    const byString = (k: string) => (x: RawRow, y: RawRow) =>
      (x[k] as string) < (y[k] as string) ? -1 : (x[k] as string) > (y[k] as string) ? 1 : 0;
    const expected = rows('Artist')
      .filter((a) => [1, 50, 150].includes(a.ArtistId as number))
      .sort((x, y) => -byString('Name')(x, y))
      .map((a) => ({
        Name: a.Name,
        Albums: [...(albums.get(a.ArtistId) ?? [])].sort(byString('Title')).map((al) => ({
          Title: al.Title,
          Tracks: [...(tracks.get(al.AlbumId) ?? [])]
            .sort(byString('Name'))
            .slice(0, 3)
            .map((t) => ({
              Name: t.Name,
              Genre: t.GenreId === null ? null : { Name: genres.get(t.GenreId)!.Name },
              InvoiceLines: [...(lines.get(t.TrackId) ?? [])]
                .sort((x, y) => (y.InvoiceId as number) - (x.InvoiceId as number))
                .map((l) => ({ InvoiceId: l.InvoiceId })),
            })),
        })),
      }));
    expect(got).toEqual(expected);
    expect(got).toHaveLength(3);
    expect(JSON.stringify(got)).toContain('InvoiceId');
  });

  it('a self relationship in both directions (Employee manager and reports)', async () => {
    const got = await query({
      table: 'Employee',
      table_relationships: rels('Employee'),
      query: {
        fields: {
          EmployeeId: { type: 'column', column: 'EmployeeId' },
          DirectReports: {
            type: 'relationship',
            relationship: 'DirectReports',
            query: { fields: cols('EmployeeId') },
          },
        },
      },
    });
    const reports = byKey('Employee', 'ReportsTo');
    expect(got).toEqual(
      rows('Employee').map((e) => ({
        EmployeeId: e.EmployeeId,
        DirectReports: (reports.get(e.EmployeeId) ?? []).map((r) => ({ EmployeeId: r.EmployeeId })),
      })),
    );
  });
});
