import { readFile } from 'node:fs/promises';
import { buildDataset, DatasetError, type Dataset } from './dataset.js';

/** Loads `{ Table: [rows] }` JSON from a file. */
export async function loadDatasetFile(path: string): Promise<Dataset> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new DatasetError(
      `Cannot read the data set at ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new DatasetError(`The data set at ${path} is not valid JSON: ${(error as Error).message}`);
  }
  return buildDataset(raw, path);
}
