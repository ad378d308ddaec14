import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The Python render server: next to the compiled code in dist/python/, or in the lib's python/ folder when
 * the TypeScript sources run directly (tests, tsx).
 */
export function renderServerPath(): string {
  const candidates = [
    new URL('./python/render_server.py', import.meta.url),
    new URL('../python/render_server.py', import.meta.url),
  ];
  for (const candidate of candidates) {
    const path = fileURLToPath(candidate);
    if (existsSync(path)) return path;
  }
  throw new Error(`render_server.py not found next to ${fileURLToPath(import.meta.url)}`);
}
