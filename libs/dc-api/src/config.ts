import { z } from 'zod';
import { DcRequestError, formatPath } from './errors.js';
import type { AgentConfig, CapabilitiesResponse, OpenApiSchema } from './types.js';

/** The agent's configuration schema as OpenAPI 3, returned by `/capabilities` (graphql-engine validates with it). */
export const configSchema: OpenApiSchema = {
  type: 'object',
  nullable: false,
  additionalProperties: false,
  properties: {
    tables: { $ref: '#/otherSchemas/Tables' },
  },
};

/** Schemas `configSchema` refers to with `$ref: '#/otherSchemas/<Name>'`. */
export const configOtherSchemas: Record<string, OpenApiSchema> = {
  Tables: {
    description: 'Tables to make available in /schema and for /query; null or absent means every table',
    type: 'array',
    items: { $ref: '#/otherSchemas/TableName' },
    nullable: true,
  },
  TableName: {
    description: 'The name of a table in the data set',
    type: 'string',
    nullable: false,
  },
};

export const capabilitiesResponse: CapabilitiesResponse = {
  capabilities: { relationships: {} },
  configSchemas: { configSchema, otherSchemas: configOtherSchemas },
};

/** zod mirror of {@link configSchema}. */
export const agentConfigSchema: z.ZodType<AgentConfig> = z.strictObject({
  tables: z.array(z.string().min(1, 'must be a non-empty string')).nullish(),
});

/**
 * Parses the `X-Hasura-DataConnector-Config` header value. Throws an `invalid-config` {@link DcRequestError}
 * whose details name the header and the place inside the config (e.g. `tables[1]`).
 */
export function parseConfigHeader(
  raw: string | undefined,
  header = 'X-Hasura-DataConnector-Config',
): AgentConfig {
  if (raw === undefined || raw.trim() === '') {
    throw new DcRequestError('missing-header', `The ${header} header is required`, { header });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    throw new DcRequestError(
      'invalid-config',
      `The ${header} header is not valid JSON: ${(error as Error).message}`,
      {
        header,
        path: '',
      },
    );
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new DcRequestError('invalid-config', `The ${header} header must be a JSON object`, {
      header,
      path: '',
    });
  }
  const result = agentConfigSchema.safeParse(parsed);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
  const path = formatPath(keys.length > 0 ? [...issue.path, keys[0]!] : issue.path);
  const message =
    keys.length > 0
      ? `unknown config property ${keys.map((k) => JSON.stringify(k)).join(', ')}`
      : issue.message;
  throw new DcRequestError(
    'invalid-config',
    `The ${header} header is invalid at ${path || '(root)'}: ${message}`,
    {
      header,
      path,
    },
  );
}
