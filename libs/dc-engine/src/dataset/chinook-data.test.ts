import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { chinookDataPath, loadChinookDataset } from './chinook-data.js';
import { chinookTables } from './chinook-description.js';
import { DatasetError } from './dataset.js';
import { loadDatasetFile, readRawDatasetFile } from './load-dataset.js';

describe('bundled Chinook data set', () => {
  it('lives inside this library and holds 11 tables with 15,607 rows', async () => {
    expect(chinookDataPath).toMatch(/libs[\\/]dc-engine[\\/]data[\\/]chinook\.json\.gz$/);
    const dataset = await loadChinookDataset();
    expect(dataset.tables.size).toBe(11);
    expect(dataset.rowCount).toBe(15_607);
    expect([...dataset.tables.keys()].sort()).toEqual(chinookTables.map((t) => t.name).sort());
    const raw = (await readRawDatasetFile(chinookDataPath)) as Record<string, unknown[]>;
    expect(raw.Artist?.[0]).toEqual({ ArtistId: 1, Name: 'AC/DC' });
  });
});

describe('loadDatasetFile', () => {
  it('reads plain and gzip-compressed JSON alike, and names a broken gzip file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dc-engine-'));
    try {
      const data = { Genre: [{ GenreId: 1, Name: 'Rock' }] };
      await writeFile(join(dir, 'd.json'), JSON.stringify(data));
      await writeFile(join(dir, 'd.json.gz'), gzipSync(JSON.stringify(data)));
      await writeFile(join(dir, 'bad.json.gz'), 'not gzip');
      const plain = await loadDatasetFile(join(dir, 'd.json'));
      const zipped = await loadDatasetFile(join(dir, 'd.json.gz'));
      expect(zipped.tables.get('Genre')!.rows).toEqual(plain.tables.get('Genre')!.rows);
      await expect(loadDatasetFile(join(dir, 'bad.json.gz'))).rejects.toThrow(DatasetError);
      await expect(loadDatasetFile(join(dir, 'bad.json.gz'))).rejects.toThrow(/not valid gzip/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
