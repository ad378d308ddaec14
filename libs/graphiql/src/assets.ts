import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One browser file the GraphiQL page loads, and the npm package it comes from. */
export interface GraphiqlAsset {
  /** File name under the assets path, e.g. `graphiql.min.js`. */
  name: string;
  /** Package that ships the file; `null` for this library's own page script. */
  pkg: string | null;
  /** Path of the file inside that package (or inside this library). */
  file: string;
  contentType: string;
}

/** The page's files, in the order the page loads its scripts. Versions are pinned in package.json. */
export const GRAPHIQL_ASSETS: readonly GraphiqlAsset[] = [
  {
    name: 'graphiql.min.css',
    pkg: 'graphiql',
    file: 'graphiql.min.css',
    contentType: 'text/css; charset=utf-8',
  },
  {
    name: 'react.production.min.js',
    pkg: 'react',
    file: 'umd/react.production.min.js',
    contentType: 'text/javascript; charset=utf-8',
  },
  {
    name: 'react-dom.production.min.js',
    pkg: 'react-dom',
    file: 'umd/react-dom.production.min.js',
    contentType: 'text/javascript; charset=utf-8',
  },
  {
    name: 'graphql-ws.min.js',
    pkg: 'graphql-ws',
    file: 'umd/graphql-ws.min.js',
    contentType: 'text/javascript; charset=utf-8',
  },
  {
    name: 'graphiql.min.js',
    pkg: 'graphiql',
    file: 'graphiql.min.js',
    contentType: 'text/javascript; charset=utf-8',
  },
  {
    name: 'graphiql-page.js',
    pkg: null,
    file: 'assets/graphiql-page.js',
    contentType: 'text/javascript; charset=utf-8',
  },
];

/** This library's folder (the same from `src/` and from `dist/`). */
const libDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Where the build copies the assets, so production installs need none of the browser packages. */
export const builtAssetsDir = join(libDir, 'dist', 'assets');

/** The folder of an installed package, found the way Node looks up node_modules from this library. */
export function packageDir(pkg: string, from: string = libDir): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', pkg);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) break;
  }
  throw new Error(`GraphiQL asset package ${pkg} is not installed (looked up from ${from})`);
}

/** The installed version of a browser package (what the page gets). */
export function assetPackageVersion(pkg: string): string {
  const manifest = JSON.parse(readFileSync(join(packageDir(pkg), 'package.json'), 'utf8')) as {
    version: string;
  };
  return manifest.version;
}

/** The file on disk that serves `asset`: the build's copy when present, else the installed package's file. */
export function assetSourceFile(asset: GraphiqlAsset): string {
  const built = join(builtAssetsDir, asset.name);
  if (existsSync(built)) return built;
  return asset.pkg === null ? join(libDir, asset.file) : join(packageDir(asset.pkg), asset.file);
}
