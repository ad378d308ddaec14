import { describe, expect, it } from 'vitest';
import { buildDataset, DatasetError } from './dataset.js';

describe('buildDataset', () => {
  it('rejects data that is not { Table: [rows] } or has values of the wrong type', () => {
    expect(() => buildDataset([], 'x')).toThrow(DatasetError);
    expect(() => buildDataset({ Artist: {} }, 'x')).toThrow(/not an array/);
    expect(() => buildDataset({ Artist: [{ ArtistId: '1', Name: 'A' }] }, 'x')).toThrow(
      /Artist\[0\]\.ArtistId is a string, expected number/,
    );
  });

  it('infers the columns of a table it does not know, and fills missing keys with null', () => {
    const dataset = buildDataset({ Extra: [{ Id: 1, Flag: true }, { Id: 2 }] }, 'x');
    const table = dataset.tables.get('Extra')!;
    expect(table.columns).toEqual([
      { name: 'Id', type: 'number', nullable: false },
      { name: 'Flag', type: 'bool', nullable: true },
    ]);
    expect(table.rows[1]).toEqual({ Id: 2, Flag: null });
  });
});
