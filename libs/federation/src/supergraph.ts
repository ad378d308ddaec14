import {
  buildASTSchema,
  isInterfaceType,
  isObjectType,
  isUnionType,
  Kind,
  parse,
  valueFromASTUntyped,
  type ConstDirectiveNode,
  type DocumentNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { parseFieldSet, type FieldSet } from './field-set.js';

/** A supergraph that cannot be used; the message names the type or field at fault. */
export class SupergraphError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SupergraphError';
  }
}

export interface SubgraphInfo {
  /** Name from `@join__graph(name:)`. */
  name: string;
  url: string;
  /** The `join__Graph` enum value naming this subgraph. */
  enumValue: string;
}

export interface TypeInGraph {
  graph: string;
  keys: Array<{ fields: FieldSet; source: string; resolvable: boolean }>;
  extension: boolean;
  isInterfaceObject: boolean;
}

export interface FieldSource {
  graph: string;
  requires?: FieldSet;
  provides?: FieldSet;
  external: boolean;
  override?: string;
  usedOverridden: boolean;
  /** The field's type in this subgraph when it differs from the supergraph's (`@join__field(type:)`). */
  type?: string;
}

export interface FieldInfo {
  /** Subgraphs that can resolve the field (not external, not overridden). */
  resolvableIn: string[];
  /** Every `@join__field` application that names a graph. */
  sources: Map<string, FieldSource>;
  /** True when the field carries `@join__field` without a graph (contributed by an `@interfaceObject`). */
  fromInterfaceObject: boolean;
}

export interface TypeInfo {
  name: string;
  graphs: Map<string, TypeInGraph>;
  fields: Map<string, FieldInfo>;
  /** For objects and interfaces: graph -> interfaces implemented there. */
  implementsIn: Map<string, Set<string>>;
  /** For unions: graph -> members there. */
  unionMembersIn: Map<string, Set<string>>;
}

export interface Supergraph {
  sdl: string;
  /** The parsed SDL, shared with the API schema builder so the supergraph is parsed once. */
  document: DocumentNode;
  schema: GraphQLSchema;
  joinVersion: string;
  subgraphs: Map<string, SubgraphInfo>;
  types: Map<string, TypeInfo>;
  /** Spec prefixes in use: directive name for each linked spec (e.g. join -> 'join', inaccessible -> 'inaccessible'). */
  specNames: Map<string, string>;
}

const SUPPORTED_JOIN = new Set(['v0.2', 'v0.3', 'v0.4', 'v0.5']);

function directiveArgs(node: ConstDirectiveNode): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const arg of node.arguments ?? []) out[arg.name.value] = valueFromASTUntyped(arg.value);
  return out;
}

function directivesOf(
  nodes: ReadonlyArray<{ directives?: ReadonlyArray<ConstDirectiveNode> } | null | undefined>,
  name: string,
): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const node of nodes) {
    for (const d of node?.directives ?? []) if (d.name.value === name) out.push(directiveArgs(d));
  }
  return out;
}

function astNodes(type: GraphQLNamedType) {
  return [type.astNode, ...type.extensionASTNodes];
}

/** Reads the `@link` directives on the schema definition: spec name -> local prefix, and the join version. */
function readLinks(doc: DocumentNode): { specNames: Map<string, string>; joinVersion?: string } {
  const specNames = new Map<string, string>();
  let joinVersion: string | undefined;
  for (const def of doc.definitions) {
    if (def.kind !== Kind.SCHEMA_DEFINITION && def.kind !== Kind.SCHEMA_EXTENSION) continue;
    for (const d of def.directives ?? []) {
      if (d.name.value !== 'link' && d.name.value !== 'core') continue;
      const args = directiveArgs(d);
      const url = String(args.url ?? args.feature ?? '');
      const match = /\/([A-Za-z_]+)\/(v\d+\.\d+)\/?$/.exec(url);
      if (!match) continue;
      const spec = match[1]!;
      const alias = typeof args.as === 'string' ? args.as : spec;
      specNames.set(spec, alias);
      if (spec === 'join') joinVersion = match[2];
    }
  }
  return { specNames, joinVersion };
}

function fieldSetOrThrow(source: unknown, where: string): FieldSet {
  if (typeof source !== 'string') throw new SupergraphError(`${where}: field set must be a string`);
  try {
    return parseFieldSet(source);
  } catch (error) {
    throw new SupergraphError(`${where}: invalid field set "${source}": ${(error as Error).message}`);
  }
}

/** Checks that every field named by a field set exists on the type (recursively). */
function checkFieldSet(
  schema: GraphQLSchema,
  type: GraphQLCompositeType,
  set: FieldSet,
  where: string,
): void {
  for (const sel of set) {
    if (sel.kind === 'fragment') {
      const cond = sel.typeCondition ? schema.getType(sel.typeCondition) : type;
      if (!cond || !(isObjectType(cond) || isInterfaceType(cond) || isUnionType(cond))) {
        throw new SupergraphError(`${where}: unknown type condition "${sel.typeCondition}"`);
      }
      checkFieldSet(schema, cond, sel.selections, where);
      continue;
    }
    if (sel.name === '__typename') continue;
    if (isUnionType(type))
      throw new SupergraphError(`${where}: cannot select "${sel.name}" on union ${type.name}`);
    const field = type.getFields()[sel.name];
    if (!field)
      throw new SupergraphError(`${where}: field "${sel.name}" does not exist on type ${type.name}`);
    if (sel.selections) {
      let named = field.type;
      while ('ofType' in named) named = named.ofType;
      if (!(isObjectType(named) || isInterfaceType(named) || isUnionType(named))) {
        throw new SupergraphError(
          `${where}: field "${type.name}.${sel.name}" is a leaf and cannot have a selection`,
        );
      }
      checkFieldSet(schema, named, sel.selections, where);
    }
  }
}

/** Parses and validates a supergraph SDL (`@link` v1.0, join v0.2–v0.5). */
export function parseSupergraph(sdl: string): Supergraph {
  let doc: DocumentNode;
  try {
    doc = parse(sdl);
  } catch (error) {
    throw new SupergraphError(`supergraph is not valid GraphQL SDL: ${(error as Error).message}`);
  }
  const { specNames, joinVersion } = readLinks(doc);
  if (!joinVersion)
    throw new SupergraphError('supergraph has no @link to https://specs.apollo.dev/join (not a supergraph?)');
  if (!SUPPORTED_JOIN.has(joinVersion)) {
    throw new SupergraphError(
      `join ${joinVersion} is not supported (supported: ${[...SUPPORTED_JOIN].join(', ')})`,
    );
  }
  const join = specNames.get('join') ?? 'join';
  let schema: GraphQLSchema;
  try {
    schema = buildASTSchema(doc, { assumeValidSDL: false });
  } catch (error) {
    throw new SupergraphError(`supergraph schema is invalid: ${(error as Error).message}`);
  }

  const graphEnum = schema.getType(`${join}__Graph`);
  if (!graphEnum || !('getValues' in graphEnum))
    throw new SupergraphError(`supergraph has no enum ${join}__Graph`);
  const subgraphs = new Map<string, SubgraphInfo>();
  const byEnum = new Map<string, string>();
  for (const value of graphEnum.getValues()) {
    const [args] = directivesOf([value.astNode], `${join}__graph`);
    if (!args || typeof args.name !== 'string' || typeof args.url !== 'string') {
      throw new SupergraphError(`${join}__Graph.${value.name} needs @${join}__graph(name:, url:)`);
    }
    subgraphs.set(args.name, { name: args.name, url: args.url, enumValue: value.name });
    byEnum.set(value.name, args.name);
  }
  const graphName = (value: unknown, where: string): string => {
    const name = typeof value === 'string' ? byEnum.get(value) : undefined;
    if (!name) throw new SupergraphError(`${where}: unknown graph ${String(value)}`);
    return name;
  };

  const types = new Map<string, TypeInfo>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__') || type.name.startsWith(`${join}__`) || type.name.startsWith('link__'))
      continue;
    const info: TypeInfo = {
      name: type.name,
      graphs: new Map(),
      fields: new Map(),
      implementsIn: new Map(),
      unionMembersIn: new Map(),
    };
    for (const args of directivesOf(astNodes(type), `${join}__type`)) {
      const graph = graphName(args.graph, `type ${type.name} @${join}__type`);
      const entry = info.graphs.get(graph) ?? { graph, keys: [], extension: false, isInterfaceObject: false };
      if (args.key !== undefined && args.key !== null) {
        const source = String(args.key);
        entry.keys.push({
          fields: fieldSetOrThrow(
            source,
            `type ${type.name} @${join}__type(graph: ${String(args.graph)}) key`,
          ),
          source,
          resolvable: args.resolvable !== false,
        });
      }
      if (args.extension === true) entry.extension = true;
      if (args.isInterfaceObject === true) entry.isInterfaceObject = true;
      info.graphs.set(graph, entry);
    }
    for (const args of directivesOf(astNodes(type), `${join}__implements`)) {
      const graph = graphName(args.graph, `type ${type.name} @${join}__implements`);
      const set = info.implementsIn.get(graph) ?? new Set<string>();
      set.add(String(args.interface));
      info.implementsIn.set(graph, set);
    }
    for (const args of directivesOf(astNodes(type), `${join}__unionMember`)) {
      const graph = graphName(args.graph, `union ${type.name} @${join}__unionMember`);
      const set = info.unionMembersIn.get(graph) ?? new Set<string>();
      set.add(String(args.member));
      info.unionMembersIn.set(graph, set);
    }
    // Types without any @join__type (value types in old supergraphs) belong to every graph.
    if (info.graphs.size === 0) {
      for (const name of subgraphs.keys())
        info.graphs.set(name, { graph: name, keys: [], extension: false, isInterfaceObject: false });
    }
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields()))
        info.fields.set(field.name, readField(type, field, info));
    }
    types.set(type.name, info);
  }

  function readField(
    type: GraphQLCompositeType,
    field: GraphQLField<unknown, unknown>,
    info: TypeInfo,
  ): FieldInfo {
    const where = `field ${type.name}.${field.name}`;
    const sources = new Map<string, FieldSource>();
    let fromInterfaceObject = false;
    const applications = directivesOf([field.astNode], `${join}__field`);
    for (const args of applications) {
      if (args.graph === undefined || args.graph === null) {
        fromInterfaceObject = true;
        continue;
      }
      const graph = graphName(args.graph, `${where} @${join}__field`);
      sources.set(graph, {
        graph,
        requires: args.requires ? fieldSetOrThrow(args.requires, `${where} requires`) : undefined,
        provides: args.provides ? fieldSetOrThrow(args.provides, `${where} provides`) : undefined,
        external: args.external === true,
        override: typeof args.override === 'string' ? args.override : undefined,
        usedOverridden: args.usedOverridden === true,
        type: typeof args.type === 'string' ? args.type : undefined,
      });
    }
    let resolvableIn: string[];
    if (sources.size === 0 && !fromInterfaceObject) {
      resolvableIn = [...info.graphs.keys()];
    } else {
      resolvableIn = [...sources.values()]
        .filter((s) => !s.external && !s.usedOverridden)
        .map((s) => s.graph);
    }
    return { resolvableIn, sources, fromInterfaceObject };
  }

  // Validate field sets against the supergraph now that every type is known.
  for (const info of types.values()) {
    const type = schema.getType(info.name);
    if (!(isObjectType(type) || isInterfaceType(type))) continue;
    for (const entry of info.graphs.values()) {
      for (const key of entry.keys)
        checkFieldSet(schema, type, key.fields, `type ${info.name} key "${key.source}"`);
    }
    for (const [fieldName, field] of info.fields) {
      for (const source of field.sources.values()) {
        if (source.requires)
          checkFieldSet(schema, type, source.requires, `field ${info.name}.${fieldName} @requires`);
        if (source.provides) {
          let named = type.getFields()[fieldName]!.type;
          while ('ofType' in named) named = named.ofType;
          if (!(isObjectType(named) || isInterfaceType(named) || isUnionType(named))) {
            throw new SupergraphError(`field ${info.name}.${fieldName} @provides on a leaf type`);
          }
          checkFieldSet(schema, named, source.provides, `field ${info.name}.${fieldName} @provides`);
        }
      }
    }
  }
  if (!schema.getQueryType()) throw new SupergraphError('supergraph has no Query type');
  return { sdl, document: doc, schema, joinVersion, subgraphs, types, specNames };
}

/** The object types a composite type can be at runtime. */
export function possibleTypes(supergraph: Supergraph, typeName: string): readonly GraphQLObjectType[] {
  const type = supergraph.schema.getType(typeName);
  if (isObjectType(type)) return [type];
  if (isInterfaceType(type) || isUnionType(type)) return supergraph.schema.getPossibleTypes(type);
  return [];
}
