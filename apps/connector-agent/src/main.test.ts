import { describe, expect, it } from 'vitest';
import { startChildApp } from '@switchyard/testing';

describe('main', () => {
  it('serves the bundled Chinook data set by default, and exits 0 on SIGTERM', async () => {
    const app = await startChildApp({ app: 'connector-agent', env: { DATASET_PATH: '', DATASET: '' } });
    try {
      const health = await fetch(`${app.url}/health`);
      expect(health.status).toBe(204);
      const res = await fetch(`${app.url}/query`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'X-Hasura-DataConnector-SourceName': 'chinook',
          'X-Hasura-DataConnector-Config': '{}',
        },
        body: JSON.stringify({
          table: 'Artist',
          table_relationships: [],
          query: { fields: { Name: { type: 'column', column: 'Name' } }, limit: 1 },
        }),
      });
      expect(await res.json()).toEqual([{ Name: 'AC/DC' }]);
    } finally {
      expect(await app.stop('SIGTERM')).toBe(0);
    }
  });

  it('serves the synthetic data set with DATASET=synthetic, at SYNTHETIC_SCALE', async () => {
    const app = await startChildApp({
      app: 'connector-agent',
      env: { DATASET_PATH: '', DATASET: 'synthetic', SYNTHETIC_SCALE: '2' },
    });
    try {
      const res = await fetch(`${app.url}/query`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'X-Hasura-DataConnector-SourceName': 's',
          'X-Hasura-DataConnector-Config': '{}',
        },
        body: JSON.stringify({ table: 'Genre', table_relationships: [], query: { fields: {} } }),
      });
      expect(await res.json()).toHaveLength(50);
    } finally {
      expect(await app.stop('SIGTERM')).toBe(0);
    }
  });
});
