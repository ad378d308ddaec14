import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's playbooks/ folder, from both src/ and dist/ of this app. */
export const DEFAULT_PLAYBOOKS_DIR = fileURLToPath(new URL('../../../playbooks/', import.meta.url));

/** Reads every .yaml/.yml file under `dir` (recursively), sorted by path. */
export async function readPlaybookFiles(dir: string): Promise<Array<{ file: string; content: string }>> {
  const out: Array<{ file: string; content: string }> = [];
  const walk = async (current: string) => {
    const entries = await readdir(current, { withFileTypes: true });
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const full = join(current, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (/\.ya?ml$/.test(entry.name)) out.push({ file: full, content: await readFile(full, 'utf8') });
    }
  };
  await walk(dir);
  return out;
}
