/** Data Connector agent API types (the request and response bodies an agent exchanges with graphql-engine). */

export type TableName = string;
export type ColumnName = string;
export type RelationshipName = string;

/** The scalar column types the agent reports in `/schema`. */
export type ScalarType = 'string' | 'number' | 'bool';
export type ScalarValue = string | number | boolean | null;

export interface ColumnInfo {
  name: ColumnName;
  type: ScalarType;
  nullable: boolean;
  description?: string;
}

export interface TableInfo {
  name: TableName;
  primary_key: ColumnName[];
  description?: string;
  columns: ColumnInfo[];
}

export interface SchemaResponse {
  tables: TableInfo[];
}

/** A (small) OpenAPI 3 schema object, as used for the agent's config schema. */
export interface OpenApiSchema {
  type?: 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean';
  description?: string;
  nullable?: boolean;
  properties?: Record<string, OpenApiSchema>;
  items?: OpenApiSchema;
  additionalProperties?: boolean;
  $ref?: string;
}

export interface CapabilitiesResponse {
  capabilities: { relationships: Record<string, never> };
  configSchemas: { configSchema: OpenApiSchema; otherSchemas: Record<string, OpenApiSchema> };
}

export type RelationshipType = 'object' | 'array';

export interface Relationship {
  target_table: TableName;
  relationship_type: RelationshipType;
  /** Source column -> target column. */
  column_mapping: Record<ColumnName, ColumnName>;
}

export interface TableRelationships {
  source_table: TableName;
  relationships: Record<RelationshipName, Relationship>;
}

/** A column reached from the queried table through `path` (relationship names; empty = the table itself). */
export interface ComparisonColumn {
  path: RelationshipName[];
  name: ColumnName;
}

export type ComparisonValue =
  { type: 'scalar'; value: ScalarValue } | { type: 'column'; column: ComparisonColumn };

export const BINARY_OPERATORS = [
  'less_than',
  'less_than_or_equal',
  'greater_than',
  'greater_than_or_equal',
  'equal',
] as const;
export type BinaryComparisonOperator = (typeof BINARY_OPERATORS)[number];

export const BINARY_ARRAY_OPERATORS = ['in'] as const;
export type BinaryArrayComparisonOperator = (typeof BINARY_ARRAY_OPERATORS)[number];

export const UNARY_OPERATORS = ['is_null'] as const;
export type UnaryComparisonOperator = (typeof UNARY_OPERATORS)[number];

export interface AndExpression {
  type: 'and';
  expressions: Expression[];
}
export interface OrExpression {
  type: 'or';
  expressions: Expression[];
}
export interface NotExpression {
  type: 'not';
  expression: Expression;
}
export interface BinaryOpExpression {
  type: 'binary_op';
  operator: BinaryComparisonOperator;
  column: ComparisonColumn;
  value: ComparisonValue;
}
export interface BinaryArrOpExpression {
  type: 'binary_arr_op';
  operator: BinaryArrayComparisonOperator;
  column: ComparisonColumn;
  values: ScalarValue[];
}
export interface UnaryOpExpression {
  type: 'unary_op';
  operator: UnaryComparisonOperator;
  column: ComparisonColumn;
}

export type Expression =
  | AndExpression
  | OrExpression
  | NotExpression
  | BinaryOpExpression
  | BinaryArrOpExpression
  | UnaryOpExpression;

export type OrderDirection = 'asc' | 'desc';

/** Both ordering shapes in use: `{ column, ordering }` and the specification's `{ field, order_type }`. */
export type OrderBy =
  { column: ColumnName; ordering: OrderDirection } | { field: ColumnName; order_type: OrderDirection };

export interface ColumnField {
  type: 'column';
  column: ColumnName;
}
export interface RelationshipField {
  type: 'relationship';
  relationship: RelationshipName;
  query: Query;
}
export type Field = ColumnField | RelationshipField;

export interface Query {
  fields: Record<string, Field>;
  where?: Expression | null;
  order_by?: OrderBy[] | null;
  limit?: number | null;
  offset?: number | null;
}

export interface QueryRequest {
  table: TableName;
  table_relationships: TableRelationships[];
  query: Query;
}

export type FieldValue = ScalarValue | ResponseRow | ResponseRow[];
export interface ResponseRow {
  [field: string]: FieldValue;
}
export type QueryResponse = ResponseRow[];

export interface ExplainResponse {
  lines: string[];
}

/** The agent's configuration, sent by graphql-engine in the `X-Hasura-DataConnector-Config` header. */
export interface AgentConfig {
  /** Tables this source may see in `/schema` and query in `/query`; null or absent means all. */
  tables?: TableName[] | null;
}

export const CONFIG_HEADER = 'x-hasura-dataconnector-config';
export const SOURCE_NAME_HEADER = 'x-hasura-dataconnector-sourcename';
