import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DcClientError } from '@switchyard/dc-api';
import { cols, startChinookAgent, type RunningAgent } from '../test-fixtures/chinook.js';

let agent: RunningAgent;
beforeAll(async () => {
  agent = await startChinookAgent();
});
afterAll(() => agent?.stop());

const headers = (source: string, config: unknown) => ({
  'X-Hasura-DataConnector-SourceName': source,
  'X-Hasura-DataConnector-Config': JSON.stringify(config),
});

describe('config table filter', () => {
  it('limits /schema to the configured tables', async () => {
    const schema = await agent.client({ tables: ['Artist', 'Album'] }, 'limited').schema();
    expect(schema.tables.map((t) => t.name).sort()).toEqual(['Album', 'Artist']);
    const all = await agent.client({ tables: null }, 'everything').schema();
    expect(all.tables).toHaveLength(11);
  });

  it('limits /query: a hidden table is unknown, also as a relationship target', async () => {
    const limited = headers('limited-q', { tables: ['Artist', 'Album'] });
    const ok = await agent.post(
      '/query',
      { table: 'Album', table_relationships: [], query: { fields: cols('AlbumId'), limit: 1 } },
      limited,
    );
    expect(ok).toEqual({ status: 200, body: [{ AlbumId: 1 }] });

    const hidden = await agent.post(
      '/query',
      { table: 'Track', table_relationships: [], query: { fields: cols('TrackId') } },
      limited,
    );
    expect(hidden.status).toBe(400);
    expect(hidden.body).toMatchObject({ type: 'unknown-table', details: { path: 'table', table: 'Track' } });
    expect(hidden.body.details.available.sort()).toEqual(['Album', 'Artist']);

    const viaRelationship = await agent.post(
      '/query',
      {
        table: 'Album',
        table_relationships: [
          {
            source_table: 'Album',
            relationships: {
              Tracks: {
                target_table: 'Track',
                relationship_type: 'array',
                column_mapping: { AlbumId: 'AlbumId' },
              },
            },
          },
        ],
        query: { fields: cols('AlbumId') },
      },
      limited,
    );
    expect(viaRelationship.status).toBe(400);
    expect(viaRelationship.body).toMatchObject({
      type: 'unknown-table',
      details: { path: 'table_relationships[0].relationships.Tracks.target_table' },
    });
  });

  it('keeps state per source name: two sources with different filters do not interfere', async () => {
    const a = agent.client({ tables: ['Genre'] }, 'source-a');
    const b = agent.client({}, 'source-b');
    for (let i = 0; i < 2; i++) {
      expect((await a.schema()).tables.map((t) => t.name)).toEqual(['Genre']);
      expect((await b.schema()).tables).toHaveLength(11);
      await expect(
        a.query({ table: 'Track', table_relationships: [], query: { fields: {}, limit: 1 } }),
      ).rejects.toBeInstanceOf(DcClientError);
      expect(
        await b.query({ table: 'Track', table_relationships: [], query: { fields: {}, limit: 1 } }),
      ).toEqual([{}]);
    }
  });

  it('a source whose config changes gets the new filter', async () => {
    expect((await agent.client({ tables: ['Genre'] }, 'changing').schema()).tables).toHaveLength(1);
    expect((await agent.client({ tables: ['Genre', 'Playlist'] }, 'changing').schema()).tables).toHaveLength(
      2,
    );
  });
});
