import { actionRoutes, engineRoutes, openApiPaths } from '@switchyard/engine-client';

/** The OpenAPI 3.1 document, generated from the route declarations that also mount the routes and type the client. */
export function openApiDocument(version = '0.1.0') {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Switchyard playbook engine',
      version,
      description:
        'NoETL 2.5-compatible REST API (catalog, executions, credentials, events; `x-origin: noetl`) with our ' +
        'extensions and the Actions API (`x-origin: switchyard`). Every route needs ' +
        "`Authorization: Bearer <ENGINE_API_TOKEN>` except GET /api/health. Errors answer FastAPI's `{detail}` " +
        'plus `code`. Execution events are also published on NATS.',
    },
    paths: openApiPaths({ ...engineRoutes, ...actionRoutes }),
  };
}
