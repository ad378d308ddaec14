import { z } from 'zod';
import {
  cancelRequestSchema,
  cancelResponseSchema,
  catalogResourceRequestSchema,
  catalogResourceResponseSchema,
  credentialRequestSchema,
  credentialSchema,
  errorResponseSchema,
  executeRequestSchema,
  executionDetailSchema,
  executionEventsResponseSchema,
  executionStatusResponseSchema,
  healthResponseSchema,
  listCatalogRequestSchema,
  listCatalogResponseSchema,
  listCredentialsResponseSchema,
  listExecutionsResponseSchema,
  registerCatalogRequestSchema,
  registerCatalogResponseSchema,
  runPlaybookRequestSchema,
  runPlaybookResponseSchema,
  executionBatchRequestSchema,
  executionBatchResponseSchema,
  actionSchema,
  actionUserRequestSchema,
  continueRenderingRequestSchema,
  createActionRequestSchema,
  createTypeInstanceRequestSchema,
  listActionsResponseSchema,
  listTypeInstancesResponseSchema,
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

/** The OpenAPI 3.1 document, generated from the zod schemas that validate requests. */
export function openApiDocument(version = '0.1.0') {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Switchyard playbook engine',
      version,
      description:
        'NoETL-compatible REST API: catalog, executions, event log. Events are also published on NATS.',
    },
    paths: {
      '/api/health': { get: op('Engine health', healthResponseSchema) },
      '/api/catalog/register': {
        post: op('Register a playbook (a new version per registration)', registerCatalogResponseSchema, {
          body: registerCatalogRequestSchema,
          status: '201',
        }),
      },
      '/api/catalog/list': {
        post: op('List catalog entries', listCatalogResponseSchema, { body: listCatalogRequestSchema }),
      },
      '/api/catalog/resource': {
        post: op('One catalog entry with its content', catalogResourceResponseSchema, {
          body: catalogResourceRequestSchema,
        }),
      },
      '/api/run/playbook': {
        post: op('Start an execution by path; returns at once', runPlaybookResponseSchema, {
          body: runPlaybookRequestSchema,
          status: '202',
        }),
      },
      '/api/execute': {
        post: op('Start an execution by path or catalog_id', runPlaybookResponseSchema, {
          body: executeRequestSchema,
          status: '202',
        }),
      },
      '/api/executions': {
        get: op('List executions', listExecutionsResponseSchema, {
          params: ['status', 'path', 'parent_execution_id', 'limit', 'offset'].map((name) => ({
            name,
            in: 'query',
            required: false,
            schema: { type: name === 'limit' || name === 'offset' ? 'integer' : 'string' },
          })),
        }),
      },
      '/api/executions/{id}': {
        get: op('An execution with its events', executionDetailSchema, { params: [idParam] }),
      },
      '/api/executions/batch': {
        post: op(
          'Several executions with their events (at most 100 ids; unknown ids are left out)',
          executionBatchResponseSchema,
          {
            body: executionBatchRequestSchema,
          },
        ),
      },
      '/api/executions/{id}/status': {
        get: op('An execution status', executionStatusResponseSchema, { params: [idParam] }),
      },
      '/api/executions/{id}/events': {
        get: op('Events of an execution from a seq', executionEventsResponseSchema, {
          params: [
            idParam,
            { name: 'from_seq', in: 'query', required: false, schema: { type: 'integer', minimum: 1 } },
          ],
        }),
      },
      '/api/executions/{id}/cancel': {
        post: op('Cancel an execution (cascade to children by default)', cancelResponseSchema, {
          body: cancelRequestSchema,
          params: [idParam],
        }),
      },
      '/api/credentials': {
        get: op('List credentials (never their data)', listCredentialsResponseSchema),
        post: op('Create or replace a credential; data is encrypted at rest', credentialSchema, {
          body: credentialRequestSchema,
          status: '201',
        }),
      },
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
      '/api/credentials/{name}': {
        delete: op('Delete a credential', credentialSchema, { params: [{ ...idParam, name: 'name' }] }),
      },
    },
  };
}
