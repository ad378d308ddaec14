import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SOURCE_HEADERS,
  bin,
  c,
  cols,
  rels,
  scalar,
  startChinookAgent,
  type RunningAgent,
} from '../test-fixtures/chinook.js';

let agent: RunningAgent;
beforeAll(async () => {
  agent = await startChinookAgent();
});
afterAll(() => agent?.stop());

const trackQuery = (query: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  table: 'Track',
  table_relationships: [],
  query: { fields: cols('TrackId'), ...query },
  ...extra,
});

async function expectError(
  body: unknown,
  type: string,
  path: string,
  headers: Record<string, string> = SOURCE_HEADERS,
  endpoint = '/query',
) {
  const res = await agent.post(endpoint, body, headers);
  expect(res.status, JSON.stringify(res.body)).toBe(400);
  expect(Object.keys(res.body).sort()).toEqual(['details', 'message', 'type']);
  expect(res.body.type).toBe(type);
  expect(res.body.details.path).toBe(path);
  expect(typeof res.body.message).toBe('string');
  if (path !== '') expect(res.body.message).toContain(path);
  return res.body;
}

describe('errors: 400 with { type, message, details } naming the place', () => {
  it('malformed JSON', async () => {
    const body = await expectError('{"table": "Track", ', 'invalid-json', '');
    expect(body.message).toMatch(/not valid JSON/);
  });

  it('a body that is not an object', async () => {
    await expectError('[1,2]', 'invalid-request', '');
  });

  it('unknown table', async () => {
    const body = await expectError(
      { table: 'Tracks', table_relationships: [], query: { fields: {} } },
      'unknown-table',
      'table',
    );
    expect(body.details.table).toBe('Tracks');
  });

  it('unknown table in table_relationships', async () => {
    await expectError(
      trackQuery({}, { table_relationships: [{ source_table: 'Nope', relationships: {} }] }),
      'unknown-table',
      'table_relationships[0].source_table',
    );
  });

  it('unknown column in fields, where, order_by and a column mapping', async () => {
    await expectError(
      trackQuery({ fields: { x: { type: 'column', column: 'Title' } } }),
      'unknown-column',
      'query.fields.x.column',
    );
    await expectError(
      trackQuery({
        where: {
          type: 'and',
          expressions: [
            bin('equal', c('TrackId'), scalar(1)),
            { type: 'or', expressions: [] },
            bin('equal', c('Nope'), scalar(1)),
          ],
        },
      }),
      'unknown-column',
      'query.where.expressions[2].column.name',
    );
    await expectError(
      trackQuery({
        order_by: [
          { column: 'Name', ordering: 'asc' },
          { field: 'Length', order_type: 'asc' },
        ],
      }),
      'unknown-column',
      'query.order_by[1].field',
    );
    await expectError(
      trackQuery(
        {},
        {
          table_relationships: [
            {
              source_table: 'Track',
              relationships: {
                G: { target_table: 'Genre', relationship_type: 'object', column_mapping: { GenreId: 'Id' } },
              },
            },
          ],
        },
      ),
      'unknown-column',
      'table_relationships[0].relationships.G.column_mapping.GenreId',
    );
  });

  it('unknown column at the end of a relationship path, in a column value', async () => {
    await expectError(
      {
        table: 'Customer',
        table_relationships: rels('Customer'),
        query: {
          fields: cols('CustomerId'),
          where: bin('equal', c('Country', ['SupportRep']), { type: 'column', column: c('Nation') }),
        },
      },
      'unknown-column',
      'query.where.value.column.name',
    );
  });

  it('unknown relationship in a field and in a column path', async () => {
    await expectError(
      trackQuery({ fields: { A: { type: 'relationship', relationship: 'Album', query: { fields: {} } } } }),
      'unknown-relationship',
      'query.fields.A.relationship',
    );
    await expectError(
      {
        table: 'Customer',
        table_relationships: rels('Customer'),
        query: {
          fields: {},
          where: { type: 'not', expression: bin('equal', c('Country', ['SupportRep', 'Boss']), scalar('x')) },
        },
      },
      'unknown-relationship',
      'query.where.expression.column.path[1]',
    );
  });

  it('errors inside a nested relationship query name the nested place', async () => {
    await expectError(
      {
        table: 'Artist',
        table_relationships: rels('Artist'),
        query: {
          fields: {
            Albums: {
              type: 'relationship',
              relationship: 'Albums',
              query: { fields: cols('Title'), where: bin('equal', c('Titel'), scalar('x')) },
            },
          },
        },
      },
      'unknown-column',
      'query.fields.Albums.query.where.column.name',
    );
  });

  it('unknown operator and unknown expression type', async () => {
    const body = await expectError(
      trackQuery({ where: { type: 'and', expressions: [bin('like', c('Name'), scalar('x'))] } }),
      'unknown-operator',
      'query.where.expressions[0].operator',
    );
    expect(body.details.expected).toContain('less_than_or_equal');
    await expectError(
      trackQuery({ where: { type: 'binary_arr_op', operator: 'nin', column: c('TrackId'), values: [] } }),
      'unknown-operator',
      'query.where.operator',
    );
    await expectError(
      trackQuery({ where: { type: 'unary_op', operator: 'is_not_null', column: c('TrackId') } }),
      'unknown-operator',
      'query.where.operator',
    );
    await expectError(
      trackQuery({ where: { type: 'xor', expressions: [] } }),
      'unknown-operator',
      'query.where.type',
    );
  });

  it('wrong value types', async () => {
    await expectError(
      trackQuery({ where: bin('equal', c('TrackId'), scalar('1')) }),
      'type-mismatch',
      'query.where.value.value',
    );
    await expectError(
      trackQuery({ where: bin('less_than', c('Name'), scalar(true)) }),
      'type-mismatch',
      'query.where.value.value',
    );
    await expectError(
      trackQuery({
        where: { type: 'binary_arr_op', operator: 'in', column: c('TrackId'), values: [1, 'two'] },
      }),
      'type-mismatch',
      'query.where.values[1]',
    );
    await expectError(
      trackQuery({ where: bin('equal', c('TrackId'), { type: 'scalar', value: { n: 1 } }) }),
      'type-mismatch',
      'query.where.value.value',
    );
    await expectError(
      trackQuery({ where: bin('equal', c('TrackId'), { type: 'column', column: c('Name') }) }),
      'type-mismatch',
      'query.where.value.column',
    );
  });

  it('malformed shapes: missing fields, bad limit, bad field type, bad ordering', async () => {
    await expectError({ table: 'Track', table_relationships: [] }, 'invalid-request', 'query');
    await expectError(trackQuery({ limit: -1 }), 'invalid-request', 'query.limit');
    await expectError(trackQuery({ offset: 1.5 }), 'invalid-request', 'query.offset');
    await expectError(
      trackQuery({ fields: { x: { type: 'computed' } } }),
      'invalid-request',
      'query.fields.x.type',
    );
    await expectError(
      trackQuery({ order_by: [{ field: 'Name', order_type: 'up' }] }),
      'invalid-request',
      'query.order_by[0].order_type',
    );
    await expectError(
      trackQuery({ where: { type: 'binary_op', operator: 'equal', column: { path: [] }, value: scalar(1) } }),
      'invalid-request',
      'query.where.column.name',
    );
  });

  it('a request nested too deep is refused without a crash', async () => {
    let where: unknown = bin('equal', c('TrackId'), scalar(1));
    for (let i = 0; i < 500; i++) where = { type: 'not', expression: where };
    const res = await agent.post('/query', trackQuery({ where }));
    expect(res.status).toBe(400);
    expect(res.body.type).toBe('request-too-deep');
    expect(res.body.details.path).toMatch(/^query\.where(\.expression)+$/);
    const depth = 20_000;
    const raw = `{"table":"Track","table_relationships":[],"query":{"fields":{},"where":${'{"type":"not","expression":'.repeat(depth)}{"type":"and","expressions":[]}${'}'.repeat(depth)}}}`;
    const deep = await agent.post('/query', raw);
    expect(deep.status).toBe(400);
    expect(deep.body.type).toBe('request-too-deep');
  });

  it('a body over the size limit is refused with the Data Connector error shape', async () => {
    const res = await agent.post(
      '/query',
      JSON.stringify(
        trackQuery({
          where: {
            type: 'binary_arr_op',
            operator: 'in',
            column: c('Name'),
            values: Array.from({ length: 100_000 }, (_, i) => `name-${i}`),
          },
        }),
      ),
    );
    expect(res.status).toBe(413);
    expect(res.body.type).toBe('payload-too-large');
  });

  it('bad config headers', async () => {
    const body = trackQuery({ limit: 1 });
    const h = (config: string) => ({
      'X-Hasura-DataConnector-SourceName': 'bad',
      'X-Hasura-DataConnector-Config': config,
    });
    await expectError(body, 'invalid-config', '', h('{tables:'));
    await expectError(body, 'invalid-config', '', h('[]'));
    await expectError(body, 'invalid-config', 'tables', h('{"tables":"Track"}'));
    await expectError(body, 'invalid-config', 'tables[1]', h('{"tables":["Track", 5]}'));
    await expectError(body, 'invalid-config', 'tables[1]', h('{"tables":["Track", "Songs"]}'));
    await expectError(body, 'invalid-config', 'table', h('{"table":["Track"]}'));
    const missing = await agent.post('/query', body, { 'X-Hasura-DataConnector-Config': '{}' });
    expect(missing.status).toBe(400);
    expect(missing.body.type).toBe('missing-header');
  });

  it('explain validates the same way', async () => {
    await expectError(
      { table: 'Nope', table_relationships: [], query: { fields: {} } },
      'unknown-table',
      'table',
      SOURCE_HEADERS,
      '/explain',
    );
  });

  it('the agent keeps serving after every error', async () => {
    const res = await agent.post('/query', trackQuery({ limit: 1 }));
    expect(res).toEqual({ status: 200, body: [{ TrackId: 1 }] });
  });
});
