import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { assetSourceFile, GRAPHIQL_ASSETS, type GraphiqlAsset } from './assets.js';

interface LoadedAsset {
  body: Buffer;
  etag: string;
  contentType: string;
}

/** Express-compatible middleware: `(req, res, next)`; `next()` when the request is not for an asset. */
export type GraphiqlAssetsHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  next: (error?: unknown) => void,
) => void;

function load(asset: GraphiqlAsset): LoadedAsset {
  const body = readFileSync(assetSourceFile(asset));
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  return { body, etag, contentType: asset.contentType };
}

/**
 * Serves the GraphiQL page's files from the pinned npm packages (or the build's copy of them). Mount it on the
 * page's `assetsPath`, e.g. `app.use('/graphiql', graphiqlAssetsHandler())`. Files are read on first use and kept.
 */
export function graphiqlAssetsHandler(): GraphiqlAssetsHandler {
  const byName = new Map(GRAPHIQL_ASSETS.map((a) => [`/${a.name}`, a]));
  const loaded = new Map<string, LoadedAsset>();
  return (req, res, next) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const asset = byName.get(path);
    if (!asset || (req.method !== 'GET' && req.method !== 'HEAD')) {
      next();
      return;
    }
    let file = loaded.get(path);
    if (!file) {
      try {
        file = load(asset);
      } catch (error) {
        next(error);
        return;
      }
      loaded.set(path, file);
    }
    res.setHeader('Content-Type', file.contentType);
    res.setHeader('Cache-Control', 'public, max-age=3600');
    res.setHeader('ETag', file.etag);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    if (req.headers['if-none-match'] === file.etag) {
      res.statusCode = 304;
      res.end();
      return;
    }
    res.setHeader('Content-Length', String(file.body.length));
    res.statusCode = 200;
    res.end(req.method === 'HEAD' ? undefined : file.body);
  };
}
