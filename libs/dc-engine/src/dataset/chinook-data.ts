import { fileURLToPath } from 'node:url';
import type { Dataset } from './dataset.js';
import { loadDatasetFile } from './load-dataset.js';

/**
 * The Chinook data set shipped with this library (`data/chinook.json.gz`). The path resolves the same from
 * `src/dataset/` (sources) and `dist/dataset/` (build output).
 */
export const chinookDataPath: string = fileURLToPath(new URL('../../data/chinook.json.gz', import.meta.url));

/** Loads the bundled Chinook data set (11 tables, 15,607 rows). */
export function loadChinookDataset(): Promise<Dataset> {
  return loadDatasetFile(chinookDataPath);
}
