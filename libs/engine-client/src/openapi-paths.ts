import { z } from 'zod';
import { errorResponseSchema } from './schemas.js';
import { openApiPath, type RouteDeclaration } from './routes/route.js';

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    target: 'draft-2020-12',
  }) as JsonSchema;
  return rest;
}

const json = (schema: z.ZodType, io: 'input' | 'output') => ({
  'application/json': { schema: jsonSchema(schema, io) },
});

/** Path or query parameters of an object schema, each with its JSON schema. */
function parameters(schema: z.ZodType | undefined, where: 'path' | 'query') {
  if (!schema) return [];
  const object = jsonSchema(schema, 'input') as {
    properties?: Record<string, JsonSchema>;
    required?: string[];
  };
  return Object.entries(object.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || (object.required ?? []).includes(name),
    schema: property,
  }));
}

function errorResponse(description: string) {
  return { description, content: json(errorResponseSchema, 'output') };
}

/** One OpenAPI operation from a route declaration. */
export function openApiOperation(id: string, route: RouteDeclaration) {
  const errors: Record<string, unknown> = {
    '401': errorResponse('No or a wrong `Authorization: Bearer <ENGINE_API_TOKEN>`'),
    [String(route.invalidStatus ?? 422)]: errorResponse(
      route.invalidStatus === 400
        ? 'The request does not match its schema (`code` VALIDATION_ERROR, `error.details.problems`)'
        : 'The request does not match its schema (FastAPI validation items in `detail`)',
    ),
  };
  for (const [status, description] of Object.entries(route.errors ?? {}))
    errors[status] = errorResponse(description);
  if (route.path === '/api/health') delete errors['401'];
  return {
    operationId: id,
    summary: route.summary,
    tags: [route.tag],
    'x-origin': route.origin,
    ...(route.origin === 'noetl'
      ? {}
      : { description: 'Switchyard extension: a NoETL 2.5 server has no such route.' }),
    parameters: [...parameters(route.params, 'path'), ...parameters(route.query, 'query')],
    ...(route.body
      ? { requestBody: { required: !route.bodyOptional, content: json(route.body, 'input') } }
      : {}),
    responses: {
      [String(route.status)]: { description: 'OK', content: json(route.response, 'output') },
      ...errors,
    },
  };
}

/** The OpenAPI `paths` object of a route table. */
export function openApiPaths(routes: Record<string, RouteDeclaration>) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [id, route] of Object.entries(routes)) {
    const key = openApiPath(route.path);
    (paths[key] ??= {})[route.method.toLowerCase()] = openApiOperation(id, route);
  }
  return paths;
}
