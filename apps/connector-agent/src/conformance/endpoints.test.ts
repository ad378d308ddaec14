import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chinook, startChinookAgent, type RunningAgent } from '../test-fixtures/chinook.js';

let agent: RunningAgent;
beforeAll(async () => {
  agent = await startChinookAgent();
});
afterAll(() => agent?.stop());

describe('GET /capabilities', () => {
  it('declares relationships and an OpenAPI config schema whose $refs resolve in otherSchemas', async () => {
    const { status, body } = await agent.get('/capabilities', {});
    expect(status).toBe(200);
    expect(body.capabilities).toEqual({ relationships: {} });
    const { configSchema, otherSchemas } = body.configSchemas;
    expect(configSchema.type).toBe('object');
    expect(configSchema.properties.tables.$ref).toBe('#/otherSchemas/Tables');
    expect(otherSchemas.Tables).toMatchObject({
      type: 'array',
      nullable: true,
      items: { $ref: '#/otherSchemas/TableName' },
    });
    expect(otherSchemas.TableName).toMatchObject({ type: 'string' });
  });
});

describe('GET /schema', () => {
  it('lists every Chinook table with types and nullability true to the data', async () => {
    const raw = chinook();
    const { status, body } = await agent.get('/schema');
    expect(status).toBe(200);
    expect(body.tables.map((t: { name: string }) => t.name).sort()).toEqual(Object.keys(raw).sort());
    for (const table of body.tables) {
      const rows = raw[table.name]!;
      expect(table.columns.map((c: { name: string }) => c.name)).toEqual(Object.keys(rows[0]!));
      for (const column of table.columns) {
        const values = rows.map((r) => r[column.name]);
        const expectedNullable = values.some((v) => v === null || v === undefined);
        const sample = values.find((v) => v !== null && v !== undefined);
        const expectedType = typeof sample === 'boolean' ? 'bool' : typeof sample;
        expect({
          table: table.name,
          column: column.name,
          type: column.type,
          nullable: column.nullable,
        }).toEqual({
          table: table.name,
          column: column.name,
          type: expectedType,
          nullable: expectedNullable,
        });
      }
    }
    const byName = Object.fromEntries(body.tables.map((t: { name: string }) => [t.name, t]));
    expect(byName.Artist.primary_key).toEqual(['ArtistId']);
    expect(byName.PlaylistTrack.primary_key).toEqual(['PlaylistId', 'TrackId']);
    expect(byName.Track.columns.find((c: { name: string }) => c.name === 'Composer').nullable).toBe(true);
    expect(byName.Track.columns.find((c: { name: string }) => c.name === 'Name').nullable).toBe(false);
  });

  it('requires the source name and config headers', async () => {
    const noSource = await agent.get('/schema', { 'X-Hasura-DataConnector-Config': '{}' });
    expect(noSource.status).toBe(400);
    expect(noSource.body).toMatchObject({
      type: 'missing-header',
      details: { header: 'X-Hasura-DataConnector-SourceName' },
    });
    const noConfig = await agent.get('/schema', { 'X-Hasura-DataConnector-SourceName': 's' });
    expect(noConfig.status).toBe(400);
    expect(noConfig.body).toMatchObject({
      type: 'missing-header',
      details: { header: 'X-Hasura-DataConnector-Config' },
    });
  });
});

describe('GET /health', () => {
  it('answers 204 without headers, and 204 for a valid source', async () => {
    const plain = await fetch(`${agent.url}/health`);
    expect(plain.status).toBe(204);
    expect(await agent.client({ tables: ['Artist'] }, 'health-src').health(true)).toBe(true);
  });

  it('answers 400 naming the problem for a bad config on a source check', async () => {
    const res = await agent.get('/health', {
      'X-Hasura-DataConnector-SourceName': 's',
      'X-Hasura-DataConnector-Config': '{"tables":["Nope"]}',
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ type: 'invalid-config', details: { path: 'tables[0]' } });
  });

  it('keeps the operational endpoints', async () => {
    const ready = await agent.get('/ready', {});
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe('ready');
    await agent.client().query({
      table: 'Genre',
      table_relationships: [],
      query: { fields: { Name: { type: 'column', column: 'Name' } } },
    });
    const metrics = await fetch(`${agent.url}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(
      /connector_agent_queries_total\{endpoint="query",table="Genre",outcome="ok"[^}]*\} [1-9]/,
    );
    expect(metrics).toMatch(/connector_agent_rows_returned_total\{table="Genre"[^}]*\} 25/);
  });
});

describe('routing', () => {
  it('a wrong method on a Data Connector path gets the Data Connector error shape; other paths keep the kit shape', async () => {
    const wrongMethod = await agent.post('/schema', {});
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.body).toMatchObject({
      type: 'method-not-allowed',
      details: { allow: ['GET', 'HEAD'] },
    });
    const unknown = await agent.get('/nope', {});
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });
});

describe('POST /explain', () => {
  it('prints the plan in readable lines: index access, filter, top-k and batched relationships', async () => {
    const { status, body } = await agent.post('/explain', {
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
      query: {
        fields: {
          Title: { type: 'column', column: 'Title' },
          Tracks: {
            type: 'relationship',
            relationship: 'Tracks',
            query: { fields: { Name: { type: 'column', column: 'Name' } } },
          },
        },
        where: {
          type: 'binary_op',
          operator: 'equal',
          column: { path: [], name: 'ArtistId' },
          value: { type: 'scalar', value: 1 },
        },
        order_by: [{ column: 'Title', ordering: 'asc' }],
        limit: 1,
      },
    });
    expect(status).toBe(200);
    const text = body.lines.join('\n');
    expect(text).toContain('hash index Album.ArtistId lookup [1] -> 2 of 347 rows');
    expect(text).toContain('filter: ArtistId = 1');
    expect(text).toContain('top-k (k=1) by Title asc');
    expect(text).toContain('one hash lookup per parent row in index Track.AlbumId');
  });
});
