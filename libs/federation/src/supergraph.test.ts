import { printSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { buildApiSchema, parseSupergraph, SupergraphError } from './index.js';
import { compose, FED_LINK } from './test-fixtures/harness.js';

const supergraph = compose([
  {
    name: 'a',
    url: 'http://127.0.0.1:1/a',
    typeDefs: `${FED_LINK}
      type Query { items: [Item] }
      type Item @key(fields: "id") { id: ID! name: String secret: String @inaccessible }
      type Hidden @inaccessible @key(fields: "id") { id: ID! }`,
  },
  {
    name: 'b',
    url: 'http://127.0.0.1:1/b',
    typeDefs: `${FED_LINK}
      type Item @key(fields: "id") { id: ID! name: String @external price: Int @requires(fields: "name") }`,
  },
]);

describe('parseSupergraph', () => {
  it('reads graphs, keys and field sources', () => {
    const model = parseSupergraph(supergraph);
    expect(model.joinVersion).toBe('v0.3');
    expect([...model.subgraphs.keys()]).toEqual(['a', 'b']);
    const item = model.types.get('Item')!;
    expect(item.graphs.get('b')?.keys[0]?.source).toBe('id');
    expect(item.fields.get('name')?.resolvableIn).toEqual(['a']);
    expect(item.fields.get('price')?.sources.get('b')?.requires).toHaveLength(1);
    expect(item.fields.get('id')?.resolvableIn).toEqual(['a', 'b']);
  });

  it('builds the API schema without join machinery or inaccessible elements', () => {
    const api = printSchema(buildApiSchema(parseSupergraph(supergraph)));
    expect(api).not.toMatch(/join__|link__|@link|inaccessible|Hidden|secret/);
    expect(api).toContain('price: Int');
  });

  it('accepts join v0.2 and rejects unknown versions', () => {
    expect(() => parseSupergraph(supergraph.replace('join/v0.3', 'join/v0.2'))).not.toThrow();
    expect(() => parseSupergraph(supergraph.replace('join/v0.3', 'join/v0.9'))).toThrow(
      /join v0.9 is not supported/,
    );
  });

  it('drops a field from a subgraph marked usedOverridden', () => {
    const sdl = supergraph.replace(
      'name: String @join__field(graph: A) @join__field(graph: B, external: true)',
      'name: String @join__field(graph: A, usedOverridden: true) @join__field(graph: B, override: "a")',
    );
    expect(sdl).not.toBe(supergraph);
    const name = parseSupergraph(sdl).types.get('Item')!.fields.get('name')!;
    expect(name.resolvableIn).toEqual(['b']);
    expect(name.sources.get('b')?.override).toBe('a');
  });

  it('removes inaccessible enum values, arguments and input fields from the API schema', () => {
    const sdl = compose([
      {
        name: 'a',
        url: 'http://127.0.0.1:1/a',
        typeDefs: `${FED_LINK}
          type Query { items(filter: Filter, legacy: Int @inaccessible): [Item] }
          enum Color { RED GREEN OLD @inaccessible }
          input Filter { color: Color internal: String @inaccessible }
          type Item { id: ID! color: Color }`,
      },
    ]);
    const api = printSchema(buildApiSchema(parseSupergraph(sdl)));
    expect(api).toContain('items(filter: Filter): [Item]');
    expect(api).not.toMatch(/OLD|internal|legacy/);
  });

  it('follows a renamed join spec (@link(as:))', () => {
    const renamed = supergraph
      .replace('join/v0.3", for: EXECUTION', 'join/v0.3", as: "j", for: EXECUTION')
      .replaceAll('join__', 'j__');
    const model = parseSupergraph(renamed);
    expect(model.types.get('Item')?.fields.get('price')?.resolvableIn).toEqual(['b']);
    expect(printSchema(buildApiSchema(model))).not.toMatch(/j__/);
  });

  it('names the type or field at fault', () => {
    const badKey = supergraph.replace(
      '@join__type(graph: B, key: "id")',
      '@join__type(graph: B, key: "nope")',
    );
    expect(() => parseSupergraph(badKey)).toThrow(SupergraphError);
    expect(() => parseSupergraph(badKey)).toThrow(/type Item key "nope"/);
    const badRequires = supergraph.replace('requires: "name"', 'requires: "missing"');
    expect(() => parseSupergraph(badRequires)).toThrow(
      /field Item.price @requires: field "missing" does not exist/,
    );
    const badGraph = supergraph.replace('@join__field(graph: B, requires', '@join__field(graph: C, requires');
    expect(() => parseSupergraph(badGraph)).toThrow(/Item.price/);
    expect(() => parseSupergraph('type Query { a: Int }')).toThrow(/no @link/);
    expect(() => parseSupergraph('type Query {')).toThrow(/not valid GraphQL SDL/);
  });
});
