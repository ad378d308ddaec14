import { describe, expect, it } from 'vitest';
import { openApiPaths } from '../openapi-paths.js';
import { engineRoutes, fillPath, openApiPath } from './index.js';

describe('route declarations', () => {
  it('declare each method and path once', () => {
    const keys = Object.values(engineRoutes).map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('fill path parameters, encoded', () => {
    expect(fillPath('/api/credentials/:identifier', { identifier: 'a b/c' })).toBe(
      '/api/credentials/a%20b%2Fc',
    );
    expect(() => fillPath('/api/executions/:execution_id', {})).toThrow(/execution_id/);
    expect(openApiPath('/api/executions/:execution_id/status')).toBe('/api/executions/{execution_id}/status');
  });

  it('document every route in OpenAPI with its parameters, body, status and origin', () => {
    const paths = openApiPaths(engineRoutes) as Record<string, Record<string, Record<string, unknown>>>;
    const count = Object.values(paths).reduce((n, ops) => n + Object.keys(ops).length, 0);
    expect(count).toBe(Object.keys(engineRoutes).length);
    const status = paths['/api/executions/{execution_id}/status']!.get!;
    expect(status.parameters).toEqual([
      expect.objectContaining({ name: 'execution_id', in: 'path', required: true }),
    ]);
    expect(Object.keys(status.responses as object)).toEqual(expect.arrayContaining(['200', '404', '422']));
    expect(paths['/api/catalog/register']!.post!['x-origin']).toBe('noetl');
    expect(paths['/api/run/sync']!.post!['x-origin']).toBe('switchyard');
    expect(paths['/api/credentials']!.get!.parameters).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'q', in: 'query', required: false })]),
    );
  });
});
