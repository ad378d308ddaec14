/**
 * Writes the synthetic data set as `{ Table: [rows] }` JSON, e.g. to serve it later with DATASET_PATH:
 *
 *   npm run generate -w apps/connector-agent -- --scale 10 --seed 42 --out /tmp/chinook-x10.json
 *
 * Without --out the JSON goes to stdout. Rows are written one at a time, so large scales do not build one huge string.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { scaleFromArgs } from './config.js';
import { generateSyntheticData } from '@switchyard/dc-engine';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function write(out: Writable, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}

try {
  const scale = scaleFromArgs(process.argv.slice(2)) ?? 1;
  const seed = Number(option('seed') ?? 42);
  if (!Number.isInteger(seed) || seed < 0)
    throw new Error(`--seed expects a non-negative integer, got ${option('seed')}`);
  const path = option('out');
  const out: Writable = path ? createWriteStream(path) : process.stdout;
  const data = generateSyntheticData({ scale, seed });
  await write(out, '{');
  let firstTable = true;
  for (const [table, rows] of Object.entries(data)) {
    await write(out, `${firstTable ? '' : ','}\n${JSON.stringify(table)}: [`);
    firstTable = false;
    for (let i = 0; i < rows.length; i++)
      await write(out, `${i === 0 ? '\n' : ',\n'}${JSON.stringify(rows[i])}`);
    await write(out, '\n]');
  }
  await write(out, '\n}\n');
  if (path) {
    out.end();
    await once(out, 'finish');
    process.stderr.write(`wrote ${path} (scale ${scale}, seed ${seed})\n`);
  }
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
}
