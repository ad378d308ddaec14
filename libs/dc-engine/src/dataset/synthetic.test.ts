import { describe, expect, it } from 'vitest';
import { chinookTables } from './chinook-description.js';
import { generateSyntheticData, syntheticDataset } from './synthetic.js';

describe('synthetic data set', () => {
  it('has Chinook’s tables and row counts times the scale', () => {
    const data = generateSyntheticData({ scale: 2 });
    expect(Object.keys(data).sort()).toEqual(chinookTables.map((t) => t.name).sort());
    for (const table of chinookTables) expect(data[table.name]).toHaveLength(table.baseRowCount * 2);
    const total = Object.values(data).reduce((n, rows) => n + rows.length, 0);
    expect(total).toBe(15_607 * 2);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const a = JSON.stringify(generateSyntheticData({ seed: 7 }));
    expect(JSON.stringify(generateSyntheticData({ seed: 7 }))).toBe(a);
    expect(JSON.stringify(generateSyntheticData({ seed: 8 }))).not.toBe(a);
  });

  it('keeps referential integrity and unique primary keys', () => {
    const data = generateSyntheticData({ scale: 3, seed: 1 });
    const ids = (table: string, key: string) => new Set(data[table]!.map((r) => r[key]));
    const fks: Array<[string, string, string, string]> = [
      ['Album', 'ArtistId', 'Artist', 'ArtistId'],
      ['Track', 'AlbumId', 'Album', 'AlbumId'],
      ['Track', 'GenreId', 'Genre', 'GenreId'],
      ['Track', 'MediaTypeId', 'MediaType', 'MediaTypeId'],
      ['Customer', 'SupportRepId', 'Employee', 'EmployeeId'],
      ['Employee', 'ReportsTo', 'Employee', 'EmployeeId'],
      ['Invoice', 'CustomerId', 'Customer', 'CustomerId'],
      ['InvoiceLine', 'InvoiceId', 'Invoice', 'InvoiceId'],
      ['InvoiceLine', 'TrackId', 'Track', 'TrackId'],
      ['PlaylistTrack', 'PlaylistId', 'Playlist', 'PlaylistId'],
      ['PlaylistTrack', 'TrackId', 'Track', 'TrackId'],
    ];
    for (const [table, column, target, key] of fks) {
      const targets = ids(target, key);
      const dangling = data[table]!.filter((r) => r[column] !== null && !targets.has(r[column]!));
      expect(dangling, `${table}.${column}`).toEqual([]);
    }
    for (const table of chinookTables) {
      const keys = data[table.name]!.map((r) => table.primaryKey.map((k) => r[k]).join('|'));
      expect(new Set(keys).size, table.name).toBe(keys.length);
    }
  });

  it('loads through the same dataset builder, with nulls where Chinook has them', () => {
    const dataset = syntheticDataset({ scale: 1 });
    expect(dataset.rowCount).toBe(15_607);
    const track = dataset.tables.get('Track')!;
    expect(track.columns.find((c) => c.name === 'Composer')!.nullable).toBe(true);
    expect(track.columns.find((c) => c.name === 'TrackId')!.nullable).toBe(false);
    expect(track.existingIndex('AlbumId')).toBeDefined();
    expect(dataset.origin).toBe('synthetic(scale=1, seed=42)');
  });
});
