import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphiqlAssetsHandler } from './assets-handler.js';
import { assetPackageVersion, GRAPHIQL_ASSETS, packageDir } from './assets.js';

let server: Server;
let base: string;

beforeAll(async () => {
  const handler = graphiqlAssetsHandler();
  server = createServer((req, res) =>
    handler(req, res, (error) => {
      res.statusCode = error ? 500 : 404;
      res.end();
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('graphiqlAssetsHandler', () => {
  it('serves every asset with its content type, and 304 for a known ETag', async () => {
    for (const asset of GRAPHIQL_ASSETS) {
      const res = await fetch(`${base}/${asset.name}`);
      expect(res.status, asset.name).toBe(200);
      expect(res.headers.get('content-type')).toBe(asset.contentType);
      expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(500);
      const again = await fetch(`${base}/${asset.name}`, {
        headers: { 'if-none-match': res.headers.get('etag')! },
      });
      expect(again.status).toBe(304);
    }
  });

  it('passes anything else on', async () => {
    expect((await fetch(`${base}/package.json`)).status).toBe(404);
    expect((await fetch(`${base}/../package.json`)).status).toBe(404);
    expect((await fetch(`${base}/graphiql.min.js`, { method: 'POST' })).status).toBe(404);
  });

  it('serves the graphql-ws client of the same major version as the services’ graphql-ws server', () => {
    const served = assetPackageVersion('graphql-ws').split('.')[0];
    expect(served).toBe('6');
    for (const app of ['playbook-gateway', 'federation-router']) {
      const appDir = fileURLToPath(new URL(`../../../apps/${app}/`, import.meta.url));
      const manifest = JSON.parse(readFileSync(`${packageDir('graphql-ws', appDir)}/package.json`, 'utf8'));
      expect((manifest as { version: string }).version.split('.')[0], app).toBe(served);
    }
  });
});
