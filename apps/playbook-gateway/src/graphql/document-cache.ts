import {
  GraphQLError,
  parse,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql';
import { LRUCache } from 'lru-cache';

export type PreparedDocument =
  { document: DocumentNode; errors?: undefined } | { document?: undefined; errors: readonly GraphQLError[] };

/**
 * Parses and validates operation texts once: many clients (a thousand dashboards watching one run) send the very
 * same subscription, and graphql-ws would otherwise parse and validate each copy.
 */
export function createDocumentCache(schema: GraphQLSchema, rules: readonly ValidationRule[], max = 1_000) {
  const cache = new LRUCache<string, PreparedDocument>({ max });
  return (query: string): PreparedDocument => {
    const cached = cache.get(query);
    if (cached) return cached;
    let prepared: PreparedDocument;
    try {
      const document = parse(query);
      const errors = validate(schema, document, rules);
      prepared = errors.length ? { errors } : { document };
    } catch (error) {
      prepared = { errors: [error instanceof GraphQLError ? error : new GraphQLError(String(error))] };
    }
    cache.set(query, prepared);
    return prepared;
  };
}
