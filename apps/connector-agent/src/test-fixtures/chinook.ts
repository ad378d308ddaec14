import { createDcClient, type AgentConfig, type DcClient } from '@switchyard/dc-api';
import type { Service } from '@switchyard/service-kit';
import { chinookDataPath, loadChinookDataset, readRawDatasetFile } from '@switchyard/dc-engine';
import { createConnectorAgentService } from '../server.js';

export type RawRow = Record<string, string | number | boolean | null>;
export type RawChinook = Record<string, RawRow[]>;

/** The Chinook data set bundled in libs/dc-engine (the agent's default). */
export const chinookPath = (): string => chinookDataPath;

/** The raw JSON, read independently of the agent's indexes (expected answers are computed from it). */
const raw = (await readRawDatasetFile(chinookDataPath)) as RawChinook;
export function chinook(): RawChinook {
  return raw;
}

/** A parsed JSON response body; tests index into it freely. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface RunningAgent {
  url: string;
  service: Service;
  client(config?: AgentConfig, sourceName?: string): DcClient;
  /** A raw HTTP call with the source headers unless `headers` replaces them. */
  post(
    path: string,
    body: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: Json }>;
  get(path: string, headers?: Record<string, string>): Promise<{ status: number; body: Json }>;
  stop(): Promise<void>;
}

export const SOURCE_HEADERS = {
  'X-Hasura-DataConnector-SourceName': 'chinook',
  'X-Hasura-DataConnector-Config': '{}',
};

/** Starts the agent over Chinook on a free port (a real HTTP server). */
export async function startChinookAgent(): Promise<RunningAgent> {
  const dataset = await loadChinookDataset();
  const service = createConnectorAgentService({ port: 0, host: '127.0.0.1' }, { dataset });
  const { url } = await service.listen();
  const call = async (method: string, path: string, body: unknown, headers?: Record<string, string>) => {
    const res = await fetch(url + path, {
      method,
      headers: { 'content-type': 'application/json', ...(headers ?? SOURCE_HEADERS) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text === '' ? undefined : JSON.parse(text) };
  };
  return {
    url,
    service,
    client: (config = {}, sourceName = 'chinook') => createDcClient({ baseUrl: url, config, sourceName }),
    post: (path, body, headers) => call('POST', path, body, headers),
    get: (path, headers) => call('GET', path, undefined, headers),
    stop: () => service.shutdown(),
  };
}

/** Builders for request bodies, so tests read like the queries they send. */
export const col = (column: string) => ({ type: 'column' as const, column });
export const cols = (...names: string[]) => Object.fromEntries(names.map((n) => [n, col(n)]));
export const c = (name: string, path: string[] = []) => ({ path, name });
export const scalar = (value: string | number | boolean | null) => ({ type: 'scalar' as const, value });
export const bin = (operator: string, column: { path: string[]; name: string }, value: unknown) => ({
  type: 'binary_op',
  operator,
  column,
  value,
});

/** Chinook relationships as a request declares them in table_relationships. */
export const REL = {
  Artist: {
    Albums: { target_table: 'Album', relationship_type: 'array', column_mapping: { ArtistId: 'ArtistId' } },
  },
  Album: {
    Artist: { target_table: 'Artist', relationship_type: 'object', column_mapping: { ArtistId: 'ArtistId' } },
    Tracks: { target_table: 'Track', relationship_type: 'array', column_mapping: { AlbumId: 'AlbumId' } },
  },
  Track: {
    Genre: { target_table: 'Genre', relationship_type: 'object', column_mapping: { GenreId: 'GenreId' } },
    Album: { target_table: 'Album', relationship_type: 'object', column_mapping: { AlbumId: 'AlbumId' } },
    InvoiceLines: {
      target_table: 'InvoiceLine',
      relationship_type: 'array',
      column_mapping: { TrackId: 'TrackId' },
    },
  },
  Customer: {
    SupportRep: {
      target_table: 'Employee',
      relationship_type: 'object',
      column_mapping: { SupportRepId: 'EmployeeId' },
    },
  },
  Employee: {
    Manager: {
      target_table: 'Employee',
      relationship_type: 'object',
      column_mapping: { ReportsTo: 'EmployeeId' },
    },
    DirectReports: {
      target_table: 'Employee',
      relationship_type: 'array',
      column_mapping: { EmployeeId: 'ReportsTo' },
    },
  },
  Genre: {
    Tracks: { target_table: 'Track', relationship_type: 'array', column_mapping: { GenreId: 'GenreId' } },
  },
} as const;

export function rels(...tables: Array<keyof typeof REL>) {
  return tables.map((t) => ({ source_table: t, relationships: REL[t] }));
}

/** Picks `fields` of a raw row, in that order. */
export const pick = (row: RawRow, ...fields: string[]) =>
  Object.fromEntries(fields.map((f) => [f, row[f] ?? null]));
