import { composeServices } from '@theguild/federation-composition';
import { parse } from 'graphql';
import { request } from 'undici';
import { SupergraphError } from './supergraph.js';

export interface SubgraphEndpoint {
  name: string;
  url: string;
}

/** Reads a subgraph's SDL through `{ _service { sdl } }`. */
export async function fetchSubgraphSdl(url: string, timeoutMs = 10_000): Promise<string> {
  const response = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ _service { sdl } }' }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const body = (await response.body.json()) as { data?: { _service?: { sdl?: string } } };
  const sdl = body.data?._service?.sdl;
  if (typeof sdl !== 'string')
    throw new SupergraphError(`subgraph at ${url} did not return _service { sdl }`);
  return sdl;
}

/** Composes a supergraph SDL from subgraph SDLs; throws a SupergraphError listing composition errors. */
export function composeSupergraph(services: Array<SubgraphEndpoint & { sdl: string }>): string {
  const result = composeServices(services.map((s) => ({ name: s.name, url: s.url, typeDefs: parse(s.sdl) })));
  if (result.errors) {
    throw new SupergraphError(
      `composition failed:\n${result.errors.map((e) => `  ${e.message}`).join('\n')}`,
    );
  }
  return result.supergraphSdl;
}

/** Composes a supergraph SDL from running subgraphs (MIT `@theguild/federation-composition`). */
export async function composeFromSubgraphs(
  subgraphs: SubgraphEndpoint[],
  timeoutMs?: number,
): Promise<string> {
  const services = await Promise.all(
    subgraphs.map(async (s) => ({ ...s, sdl: await fetchSubgraphSdl(s.url, timeoutMs) })),
  );
  return composeSupergraph(services);
}
