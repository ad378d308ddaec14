import { z } from 'zod';
import { nullProtoRecord } from './safe-record.js';
import {
  BINARY_ARRAY_OPERATORS,
  BINARY_OPERATORS,
  UNARY_OPERATORS,
  type ComparisonColumn,
  type ComparisonValue,
  type Expression,
  type Field,
  type OrderBy,
  type Query,
  type QueryRequest,
  type ScalarValue,
} from './types.js';

/** zod schemas of the request bodies; they check shape only (names are checked against the data set later). */

const name = z.string().min(1, 'must be a non-empty string');

/** A table name: a string, or a one-element array as newer graphql-engine versions send. */
export const tableNameSchema = z.union([name, z.tuple([name]).transform(([table]) => table)]);

export const scalarValueSchema: z.ZodType<ScalarValue> = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.null(),
]);

export const comparisonColumnSchema: z.ZodType<ComparisonColumn> = z.object({
  path: z.array(name).default([]),
  name,
});

export const comparisonValueSchema: z.ZodType<ComparisonValue> = z.discriminatedUnion('type', [
  z.object({ type: z.literal('scalar'), value: scalarValueSchema }),
  z.object({ type: z.literal('column'), column: comparisonColumnSchema }),
]);

export const expressionSchema: z.ZodType<Expression> = z.lazy(() =>
  z.discriminatedUnion('type', [
    z.object({ type: z.literal('and'), expressions: z.array(expressionSchema) }),
    z.object({ type: z.literal('or'), expressions: z.array(expressionSchema) }),
    z.object({ type: z.literal('not'), expression: expressionSchema }),
    z.object({
      type: z.literal('binary_op'),
      operator: z.enum(BINARY_OPERATORS),
      column: comparisonColumnSchema,
      value: comparisonValueSchema,
    }),
    z.object({
      type: z.literal('binary_arr_op'),
      operator: z.enum(BINARY_ARRAY_OPERATORS),
      column: comparisonColumnSchema,
      values: z.array(scalarValueSchema),
    }),
    z.object({
      type: z.literal('unary_op'),
      operator: z.enum(UNARY_OPERATORS),
      column: comparisonColumnSchema,
    }),
  ]),
);

const direction = z.enum(['asc', 'desc']);

export const orderBySchema: z.ZodType<OrderBy> = z.union([
  z.object({ column: name, ordering: direction }),
  z.object({ field: name, order_type: direction }),
]);

const count = z.number().int('must be an integer').min(0, 'must not be negative');

export const querySchema: z.ZodType<Query> = z.lazy(() =>
  z.object({
    fields: nullProtoRecord(z.string(), fieldSchema),
    where: expressionSchema.nullish(),
    order_by: z.array(orderBySchema).nullish(),
    limit: count.nullish(),
    offset: count.nullish(),
  }),
);

export const fieldSchema: z.ZodType<Field> = z.lazy(() =>
  z.discriminatedUnion('type', [
    z.object({ type: z.literal('column'), column: name }),
    z.object({ type: z.literal('relationship'), relationship: name, query: querySchema }),
  ]),
);

export const relationshipSchema = z.object({
  target_table: tableNameSchema,
  relationship_type: z.enum(['object', 'array']),
  column_mapping: nullProtoRecord(name, name).refine(
    (m) => Object.keys(m).length > 0,
    'must map at least one column',
  ),
});

export const tableRelationshipsSchema = z.object({
  source_table: tableNameSchema,
  relationships: nullProtoRecord(name, relationshipSchema),
});

export const queryRequestSchema: z.ZodType<QueryRequest, unknown> = z.object({
  table: tableNameSchema,
  table_relationships: z.array(tableRelationshipsSchema).default([]),
  query: querySchema,
});
