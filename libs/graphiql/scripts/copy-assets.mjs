// Copies the GraphiQL page's browser files into dist/assets at build time, so a production install needs
// none of the browser packages (they are devDependencies of this library).
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const libDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { GRAPHIQL_ASSETS, packageDir } = await import(join(libDir, 'dist', 'assets.js'));
const out = join(libDir, 'dist', 'assets');
mkdirSync(out, { recursive: true });
for (const asset of GRAPHIQL_ASSETS) {
  const from = asset.pkg === null ? join(libDir, asset.file) : join(packageDir(asset.pkg), asset.file);
  if (!existsSync(from)) throw new Error(`missing GraphiQL asset ${from}`);
  copyFileSync(from, join(out, asset.name));
}
console.log(`copied ${GRAPHIQL_ASSETS.length} GraphiQL assets to ${out}`);
