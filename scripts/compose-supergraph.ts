/**
 * Composes supergraph.graphql from the astronauts and missions subgraphs with @theguild/federation-composition.
 *   npm run compose          writes supergraph.graphql
 *   npm run compose:check    exits 1 when the checked-in file differs from a fresh composition
 * Routing URLs come from ASTRONAUTS_URL and MISSIONS_URL (defaults: localhost:4001 and :4002).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { composeServices } from '@theguild/federation-composition';
import type { DocumentNode } from 'graphql';
import { typeDefs as astronautsTypeDefs } from '../apps/astronauts-subgraph/src/schema.js';
import { typeDefs as missionsTypeDefs } from '../apps/missions-subgraph/src/schema.js';

export interface SubgraphSource {
  name: string;
  url: string;
  typeDefs: DocumentNode;
}

export const supergraphPath = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'supergraph.graphql');

export function seedSubgraphs(env: Record<string, string | undefined> = process.env): SubgraphSource[] {
  return [
    {
      name: 'astronauts',
      url: env.ASTRONAUTS_URL || 'http://localhost:4001/graphql',
      typeDefs: astronautsTypeDefs,
    },
    {
      name: 'missions',
      url: env.MISSIONS_URL || 'http://localhost:4002/graphql',
      typeDefs: missionsTypeDefs,
    },
  ];
}

/** Returns the supergraph SDL, or throws with every composition error on its own line. */
export function composeSupergraph(subgraphs: SubgraphSource[]): string {
  const result = composeServices(subgraphs.map(({ name, url, typeDefs }) => ({ name, url, typeDefs })));
  if (result.errors) {
    throw new Error(`Composition failed:\n${result.errors.map((e) => `  - ${e.message}`).join('\n')}`);
  }
  return `${result.supergraphSdl.trim()}\n`;
}

async function main(args: string[]): Promise<number> {
  const sdl = composeSupergraph(seedSubgraphs());
  if (args.includes('--check')) {
    const current = await readFile(supergraphPath, 'utf8').catch(() => '');
    if (current !== sdl) {
      process.stderr.write(`${supergraphPath} is stale: run \`npm run compose\` and commit the result\n`);
      return 1;
    }
    process.stdout.write('supergraph.graphql is up to date\n');
    return 0;
  }
  await writeFile(supergraphPath, sdl);
  process.stdout.write(`wrote ${supergraphPath}\n`);
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
