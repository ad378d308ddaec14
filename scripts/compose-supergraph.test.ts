import { readFile } from 'node:fs/promises';
import { parse, Kind, type ObjectTypeDefinitionNode, type ConstDirectiveNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { composeSupergraph, seedSubgraphs, supergraphPath } from './compose-supergraph.js';

function directiveArgs(node: { directives?: readonly ConstDirectiveNode[] }, name: string) {
  return (node.directives ?? [])
    .filter((d) => d.name.value === name)
    .map((d) =>
      Object.fromEntries(
        (d.arguments ?? []).map((a) => [
          a.name.value,
          'value' in a.value ? String(a.value.value) : undefined,
        ]),
      ),
    );
}

describe('supergraph composition', () => {
  const sdl = composeSupergraph(seedSubgraphs({}));
  const doc = parse(sdl);
  const type = (name: string) =>
    doc.definitions.find(
      (d): d is ObjectTypeDefinitionNode => d.kind === Kind.OBJECT_TYPE_DEFINITION && d.name.value === name,
    )!;

  it('joins both subgraphs with their routing URLs', () => {
    expect(sdl).toContain(
      'ASTRONAUTS @join__graph(name: "astronauts", url: "http://localhost:4001/graphql")',
    );
    expect(sdl).toContain('MISSIONS @join__graph(name: "missions", url: "http://localhost:4002/graphql")');
  });

  it('makes Astronaut an entity of both subgraphs keyed by id, and Mission an entity of missions', () => {
    expect(directiveArgs(type('Astronaut'), 'join__type')).toEqual([
      { graph: 'ASTRONAUTS', key: 'id' },
      { graph: 'MISSIONS', key: 'id' },
    ]);
    expect(directiveArgs(type('Mission'), 'join__type')).toEqual([{ graph: 'MISSIONS', key: 'id' }]);
  });

  it('routes every field to the subgraph that resolves it', () => {
    const owner = (typeName: string, field: string) =>
      directiveArgs(
        type(typeName).fields!.find((f) => f.name.value === field)!,
        'join__field',
      )[0]?.graph;
    expect(owner('Astronaut', 'name')).toBe('ASTRONAUTS');
    expect(owner('Astronaut', 'missions')).toBe('MISSIONS');
    expect(owner('Query', 'astronaut')).toBe('ASTRONAUTS');
    expect(owner('Query', 'astronauts')).toBe('ASTRONAUTS');
    expect(owner('Query', 'mission')).toBe('MISSIONS');
    expect(owner('Query', 'missions')).toBe('MISSIONS');
    expect(type('Mission').fields!.map((f) => f.name.value)).toEqual([
      'id',
      'crew',
      'designation',
      'startDate',
      'endDate',
    ]);
  });

  it('takes routing URLs from the environment', () => {
    const custom = composeSupergraph(seedSubgraphs({ ASTRONAUTS_URL: 'http://astronauts:4001/graphql' }));
    expect(custom).toContain('url: "http://astronauts:4001/graphql"');
  });

  it('matches the checked-in supergraph.graphql', async () => {
    expect(await readFile(supergraphPath, 'utf8')).toBe(sdl);
  });
});
