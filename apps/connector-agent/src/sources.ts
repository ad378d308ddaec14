import { DcRequestError, parseConfigHeader, type AgentConfig, type SchemaResponse } from '@switchyard/dc-api';
import type { Dataset } from '@switchyard/dc-engine';

/** What the agent keeps per source name: its config, the tables it may see and its `/schema` answer. */
export interface SourceState {
  name: string;
  rawConfig: string;
  config: AgentConfig;
  allowedTables: ReadonlySet<string> | null;
  schema: SchemaResponse;
}

/** Per-source state keyed by X-Hasura-DataConnector-SourceName, refreshed when a source's config changes. */
export class SourceRegistry {
  private readonly sources = new Map<string, SourceState>();

  constructor(
    private readonly dataset: Dataset,
    private readonly maxSources = 1000,
  ) {}

  get size(): number {
    return this.sources.size;
  }

  /** Resolves a source from the two headers; throws `missing-header` or `invalid-config`. */
  resolve(sourceName: string | undefined, rawConfig: string | undefined): SourceState {
    if (sourceName === undefined || sourceName.trim() === '') {
      throw new DcRequestError('missing-header', 'The X-Hasura-DataConnector-SourceName header is required', {
        header: 'X-Hasura-DataConnector-SourceName',
      });
    }
    const known = this.sources.get(sourceName);
    if (known && known.rawConfig === rawConfig) return known;
    const config = parseConfigHeader(rawConfig);
    const tables = config.tables ?? null;
    tables?.forEach((table, i) => {
      if (!this.dataset.tables.has(table)) {
        throw new DcRequestError(
          'invalid-config',
          `The X-Hasura-DataConnector-Config header is invalid at tables[${i}]: unknown table ${JSON.stringify(table)}`,
          {
            header: 'X-Hasura-DataConnector-Config',
            path: `tables[${i}]`,
            available: [...this.dataset.tables.keys()],
          },
        );
      }
    });
    const allowedTables = tables ? new Set(tables) : null;
    const schema: SchemaResponse = {
      tables: [...this.dataset.tables.values()]
        .filter((t) => !allowedTables || allowedTables.has(t.name))
        .map((t) => t.info()),
    };
    const state: SourceState = { name: sourceName, rawConfig: rawConfig!, config, allowedTables, schema };
    this.sources.delete(sourceName);
    this.sources.set(sourceName, state);
    if (this.sources.size > this.maxSources) this.sources.delete(this.sources.keys().next().value!);
    return state;
  }
}
