import { loadDatasetFile } from '@switchyard/dc-engine';
import type { Service } from '@switchyard/service-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnectorAgentService } from '../server.js';
import { chinook, chinookPath, SOURCE_HEADERS, type Json } from '../test-fixtures/chinook.js';

/** Hostile requests against a live agent over Chinook: polluting keys, fan-out joins, wrong methods and types. */

const agents: Service[] = [];

async function startAgent(responseLimits?: { maxRows: number; maxBytes: number }): Promise<string> {
  const dataset = await loadDatasetFile(chinookPath());
  const service = createConnectorAgentService(
    { port: 0, host: '127.0.0.1', ...(responseLimits ? { responseLimits } : {}) },
    { dataset },
  );
  agents.push(service);
  return (await service.listen()).url;
}

async function call(
  url: string,
  method: string,
  body?: string,
  contentType = 'application/json',
): Promise<{ status: number; body: Json; allow: string | null }> {
  const res = await fetch(url, {
    method,
    headers: { ...SOURCE_HEADERS, 'content-type': contentType },
    ...(body === undefined ? {} : { body }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, allow: res.headers.get('allow') };
}

let url: string;
beforeAll(async () => {
  url = await startAgent();
});
afterAll(async () => {
  await Promise.all(agents.map((a) => a.shutdown()));
});

describe('rows and field maps cannot be polluted', () => {
  it('returns every alias, __proto__, constructor and toString included', async () => {
    // Written as JSON text: in a JavaScript object literal `__proto__` would set the prototype instead.
    const body = `{"table":"Artist","query":{"limit":2,"order_by":[{"column":"ArtistId","ordering":"asc"}],"fields":{
      "__proto__":{"type":"column","column":"Name"},
      "constructor":{"type":"column","column":"ArtistId"},
      "toString":{"type":"column","column":"Name"},
      "id":{"type":"column","column":"ArtistId"}}}}`;
    const res = await call(`${url}/query`, 'POST', body);
    expect(res.status).toBe(200);
    const artists = chinook().Artist!;
    expect(res.body).toHaveLength(2);
    for (const [i, row] of (res.body as Array<Record<string, unknown>>).entries()) {
      expect(Object.keys(row)).toEqual(['__proto__', 'constructor', 'toString', 'id']);
      expect(Object.getOwnPropertyDescriptor(row, '__proto__')?.value).toBe(artists[i]!.Name);
      expect(row.constructor).toBe(artists[i]!.ArtistId);
    }
  });

  it('keeps a relationship named __proto__ and its column mapping', async () => {
    const body = `{"table":"Album","table_relationships":[{"source_table":"Album","relationships":{"__proto__":{
      "target_table":"Artist","relationship_type":"object","column_mapping":{"ArtistId":"ArtistId"}}}}],
      "query":{"limit":1,"order_by":[{"column":"AlbumId","ordering":"asc"}],"fields":{
      "__proto__":{"type":"relationship","relationship":"__proto__","query":{"fields":{"name":{"type":"column","column":"Name"}}}}}}}`;
    const res = await call(`${url}/query`, 'POST', body);
    expect(res.status).toBe(200);
    expect(Object.getOwnPropertyDescriptor(res.body[0], '__proto__')?.value).toEqual({ name: 'AC/DC' });
  });
});

describe('response caps', () => {
  const fanOut = {
    table: 'Track',
    table_relationships: [
      {
        source_table: 'Track',
        relationships: {
          Lines: {
            target_table: 'InvoiceLine',
            relationship_type: 'array',
            column_mapping: { MediaTypeId: 'Quantity' },
          },
        },
      },
    ],
    query: {
      fields: {
        Name: { type: 'column', column: 'Name' },
        Lines: {
          type: 'relationship',
          relationship: 'Lines',
          query: { fields: { Id: { type: 'column', column: 'InvoiceLineId' } } },
        },
      },
    },
  };

  it('refuses a join that fans out to millions of nested rows with 422 response-too-large, on by default', async () => {
    const res = await call(`${url}/query`, 'POST', JSON.stringify(fanOut));
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ type: 'response-too-large', details: { limit: 100_000 } });
    expect(res.body.details.rows).toBeGreaterThan(1_000_000);
    expect(res.body.message).toContain('MAX_RESPONSE_ROWS');
  });

  it('follows configured row and byte limits', async () => {
    const small = await startAgent({ maxRows: 100, maxBytes: 1_000_000 });
    const genres = JSON.stringify({
      table: 'Genre',
      query: { fields: { Name: { type: 'column', column: 'Name' } } },
    });
    expect((await call(`${small}/query`, 'POST', genres)).status).toBe(200);
    const tracks = JSON.stringify({
      table: 'Track',
      query: { fields: { Name: { type: 'column', column: 'Name' } } },
    });
    expect((await call(`${small}/query`, 'POST', tracks)).body).toMatchObject({
      type: 'response-too-large',
      details: { limit: 100, rows: chinook().Track!.length },
    });
    const tiny = await startAgent({ maxRows: 100_000, maxBytes: 2_000 });
    const res = await call(`${tiny}/query`, 'POST', tracks);
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ type: 'response-too-large', details: { limitBytes: 2_000 } });
    expect(res.body.message).toContain('MAX_RESPONSE_BYTES');
  });
});

describe('methods and content types', () => {
  it('answers a wrong method with 405 and Allow', async () => {
    for (const [path, method, allow] of [
      ['/query', 'GET', 'POST'],
      ['/explain', 'PUT', 'POST'],
      ['/schema', 'DELETE', 'GET, HEAD'],
    ] as const) {
      const res = await call(`${url}${path}`, method);
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.allow).toBe(allow);
      expect(res.body).toMatchObject({ type: 'method-not-allowed' });
    }
  });

  it('answers a body that is not JSON with 415', async () => {
    const query = JSON.stringify({
      table: 'Genre',
      query: { fields: { Name: { type: 'column', column: 'Name' } } },
    });
    for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
      const res = await call(`${url}/query`, 'POST', query, type);
      expect(res.status, type).toBe(415);
      expect(res.body).toMatchObject({ type: 'unsupported-media-type', details: { contentType: type } });
    }
  });
});
