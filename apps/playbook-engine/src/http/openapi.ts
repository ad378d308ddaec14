import { z } from 'zod';
import {
  actionSchema,
  actionUserRequestSchema,
  continueRenderingRequestSchema,
  createActionRequestSchema,
  createTypeInstanceRequestSchema,
  engineRoutes,
  errorResponseSchema,
  listActionsResponseSchema,
  listTypeInstancesResponseSchema,
  openApiPaths,
  typeInstanceSchema,
  updateActionRequestSchema,
} from '@switchyard/engine-client';

const json = (schema: z.ZodType, io: 'input' | 'output') => ({
  'application/json': {
    schema: z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }),
  },
});

const errors = {
  '400': {
    description: 'Invalid input; `error.details.problems` lists each problem with its path',
    content: json(errorResponseSchema, 'output'),
  },
  '404': { description: 'Not found', content: json(errorResponseSchema, 'output') },
};

function op(
  summary: string,
  response: z.ZodType,
  options: { body?: z.ZodType; status?: string; params?: unknown[] } = {},
) {
  return {
    summary,
    ...(options.params ? { parameters: options.params } : {}),
    ...(options.body ? { requestBody: { required: true, content: json(options.body, 'input') } } : {}),
    responses: {
      [options.status ?? '200']: { description: 'OK', content: json(response, 'output') },
      ...errors,
    },
  };
}

const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
const nameParam = { ...idParam, name: 'name' };
const queryParams = (names: string[]) =>
  names.map((name) => ({ name, in: 'query', required: false, schema: { type: 'string' } }));
const conflict = {
  '409': {
    description:
      'Illegal transition: `error.code` INVALID_ACTION_STATE, `error.details.phase` the current phase',
    content: json(errorResponseSchema, 'output'),
  },
};

/** Operations that change an Action's phase can also answer 409. */
function transition(summary: string, options: Parameters<typeof op>[2] = {}) {
  const operation = op(summary, actionSchema, { params: [nameParam], ...options });
  return { ...operation, responses: { ...operation.responses, ...conflict } };
}

/** The OpenAPI 3.1 document: engine routes from their declarations, Actions from the schemas that validate them. */
export function openApiDocument(version = '0.1.0') {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Switchyard playbook engine',
      version,
      description:
        'NoETL 2.5-compatible REST API (catalog, executions, credentials, events) with our extensions ' +
        '(`x-origin: switchyard`), and the Actions API. Every route needs `Authorization: Bearer <ENGINE_API_TOKEN>` ' +
        "except GET /api/health. Errors answer FastAPI's `{detail}` plus `code`. Execution events are also published on NATS.",
    },
    paths: {
      ...openApiPaths(engineRoutes),
      '/api/actions': {
        get: op(
          'List Actions, filtered by phase, nameRegex or interfaceRef (playbook path)',
          listActionsResponseSchema,
          {
            params: queryParams(['phase', 'nameRegex', 'interfaceRef']),
          },
        ),
        post: op('Create an Action; rendering starts at once', actionSchema, {
          body: createActionRequestSchema,
          status: '201',
        }),
      },
      '/api/actions/{name}': {
        get: op('One Action', actionSchema, { params: [nameParam] }),
        put: transition('Update an Action and render it again', { body: updateActionRequestSchema }),
        delete: transition('Delete an Action (refused while it runs)'),
      },
      '/api/actions/{name}/run': {
        post: transition('Run a READY_TO_RUN Action (once)', { body: actionUserRequestSchema }),
      },
      '/api/actions/{name}/cancel': {
        post: transition('Cancel a running Action and its executions', { body: actionUserRequestSchema }),
      },
      '/api/actions/{name}/continue-rendering': {
        post: transition('Supply optional TypeInstances for the current advanced-mode iteration', {
          body: continueRenderingRequestSchema,
        }),
      },
      '/api/typeinstances': {
        get: op('List TypeInstances by type reference', listTypeInstancesResponseSchema, {
          params: queryParams(['path', 'revision']),
        }),
        post: op('Create a TypeInstance', typeInstanceSchema, {
          body: createTypeInstanceRequestSchema,
          status: '201',
        }),
      },
      '/api/typeinstances/{id}': {
        get: op('One TypeInstance', typeInstanceSchema, { params: [idParam] }),
      },
    },
  };
}
