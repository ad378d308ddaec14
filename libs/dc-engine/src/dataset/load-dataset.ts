import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { buildDataset, DatasetError, type Dataset } from './dataset.js';

/** Reads a file as UTF-8 text, gunzipping it first when its name ends in `.gz`. */
async function readDatasetText(path: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new DatasetError(
      `Cannot read the data set at ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  if (!path.endsWith('.gz')) return bytes.toString('utf8');
  try {
    return gunzipSync(bytes).toString('utf8');
  } catch (error) {
    throw new DatasetError(`The data set at ${path} is not valid gzip: ${(error as Error).message}`);
  }
}

/** Loads `{ Table: [rows] }` JSON (optionally gzip-compressed, `.json.gz`) from a file. */
export async function loadDatasetFile(path: string): Promise<Dataset> {
  const text = await readDatasetText(path);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new DatasetError(`The data set at ${path} is not valid JSON: ${(error as Error).message}`);
  }
  return buildDataset(raw, path);
}

/** Reads the raw `{ Table: [rows] }` object of a data set file, without building indexes. */
export async function readRawDatasetFile(path: string): Promise<unknown> {
  return JSON.parse(await readDatasetText(path));
}
