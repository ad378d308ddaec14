import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnManaged, tsNodeArgs, workspaceRoot } from '@switchyard/testing';
import { loadDatasetFile, syntheticDataset } from '@switchyard/dc-engine';

describe('generate-dataset', () => {
  it('writes the synthetic data set as { Table: [rows] } JSON that loads back to the same rows', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dc-gen-'));
    try {
      const out = join(dir, 'data.json');
      const entry = join(workspaceRoot, 'apps/connector-agent/src/generate-dataset.ts');
      const proc = spawnManaged(
        process.execPath,
        [...tsNodeArgs(entry), '--scale', '2', '--seed', '7', '--out', out],
        {
          cwd: workspaceRoot,
        },
      );
      expect(await proc.exited, proc.output()).toBe(0);
      const loaded = await loadDatasetFile(out);
      const generated = syntheticDataset({ scale: 2, seed: 7 });
      expect(loaded.rowCount).toBe(15_607 * 2);
      for (const [name, table] of generated.tables)
        expect(loaded.tables.get(name)!.rows, name).toEqual(table.rows);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
