import {
  buildASTSchema,
  Kind,
  visit,
  type ASTNode,
  type DirectiveNode,
  type DocumentNode,
  type GraphQLSchema,
  type NamedTypeNode,
} from 'graphql';
import { SupergraphError, type Supergraph } from './supergraph.js';

/** Specs whose directives and types are machinery of the supergraph, not part of the API. */
const MACHINERY_SPECS = ['link', 'join', 'inaccessible', 'tag', 'core'];

/** The API schema: the supergraph without join/link machinery and without `@inaccessible` elements. */
export function buildApiSchema(supergraph: Supergraph): GraphQLSchema {
  const doc = supergraph.document;
  const prefixes = new Set(MACHINERY_SPECS.map((spec) => supergraph.specNames.get(spec) ?? spec));
  const inaccessible = supergraph.specNames.get('inaccessible') ?? 'inaccessible';
  const isMachineryName = (name: string) => {
    for (const prefix of prefixes) if (name === prefix || name.startsWith(`${prefix}__`)) return true;
    return false;
  };
  const hidden = (node: { directives?: readonly DirectiveNode[] }) =>
    node.directives?.some((d) => d.name.value === inaccessible) ?? false;

  const hiddenTypes = new Set<string>();
  for (const def of doc.definitions) {
    if ('name' in def && def.name && 'directives' in def && hidden(def)) hiddenTypes.add(def.name.value);
    if ('name' in def && def.name && isMachineryName(def.name.value)) hiddenTypes.add(def.name.value);
  }
  const namedTypeOf = (node: ASTNode): string | undefined => {
    let t: ASTNode = node;
    while (t.kind === Kind.NON_NULL_TYPE || t.kind === Kind.LIST_TYPE) t = t.type;
    return t.kind === Kind.NAMED_TYPE ? (t as NamedTypeNode).name.value : undefined;
  };

  const stripped = visit(doc, {
    SchemaDefinition: (node) => ({ ...node, directives: [] }),
    SchemaExtension: (node) => ({ ...node, directives: [] }),
    DirectiveDefinition: (node) => (isMachineryName(node.name.value) ? null : undefined),
    Directive: (node) => (isMachineryName(node.name.value) ? null : undefined),
    ObjectTypeDefinition: (node) => (hiddenTypes.has(node.name.value) ? null : undefined),
    InterfaceTypeDefinition: (node) => (hiddenTypes.has(node.name.value) ? null : undefined),
    UnionTypeDefinition: (node) => (hiddenTypes.has(node.name.value) ? null : undefined),
    EnumTypeDefinition: (node) => (hiddenTypes.has(node.name.value) ? null : undefined),
    InputObjectTypeDefinition: (node) => (hiddenTypes.has(node.name.value) ? null : undefined),
    ScalarTypeDefinition: (node) => (hiddenTypes.has(node.name.value) ? null : undefined),
    FieldDefinition: (node) => {
      if (hidden(node)) return null;
      const t = namedTypeOf(node.type);
      return t && hiddenTypes.has(t) ? null : undefined;
    },
    InputValueDefinition: (node) => (hidden(node) ? null : undefined),
    EnumValueDefinition: (node) => (hidden(node) ? null : undefined),
    NamedType: (node, _key, parent) => {
      // Drop hidden members from union member lists and implements lists.
      if (Array.isArray(parent) && hiddenTypes.has(node.name.value)) return null;
      return undefined;
    },
  }) as DocumentNode;

  // Types left without fields (all fields inaccessible) are removed along with the fields that return them.
  try {
    return buildASTSchema(stripped, { assumeValidSDL: false });
  } catch (error) {
    throw new SupergraphError(`API schema is invalid: ${(error as Error).message}`);
  }
}
