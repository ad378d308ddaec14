// Puts the Python render server next to the compiled code: dist/python/render_server.py.
import { cpSync } from 'node:fs';

cpSync(new URL('../python/', import.meta.url), new URL('../dist/python/', import.meta.url), {
  recursive: true,
});
