import {
  catalogResourceRequestSchema,
  catalogResourceResponseSchema,
  listCatalogRequestSchema,
  listCatalogResponseSchema,
  registerCatalogRequestSchema,
  registerCatalogResponseSchema,
} from '../catalog-schemas.js';
import { defineRoute } from './route.js';

export const catalogRoutes = {
  registerPlaybook: defineRoute({
    method: 'POST',
    path: '/api/catalog/register',
    summary: 'Register a playbook (YAML as text or base64); each registration is a new version',
    origin: 'noetl',
    tag: 'Catalog',
    body: registerCatalogRequestSchema,
    status: 200,
    response: registerCatalogResponseSchema,
    errors: { 400: 'The playbook is invalid (`error.details.problems` names each problem)' },
  }),
  listCatalog: defineRoute({
    method: 'POST',
    path: '/api/catalog/list',
    summary: 'List catalog entries, newest first (every version unless `all_versions` is false)',
    origin: 'noetl',
    tag: 'Catalog',
    body: listCatalogRequestSchema,
    bodyOptional: true,
    status: 200,
    response: listCatalogResponseSchema,
  }),
  getCatalogResource: defineRoute({
    method: 'POST',
    path: '/api/catalog/resource',
    summary: 'One catalog entry by catalog_id, or by path and version (latest when left out)',
    origin: 'noetl',
    tag: 'Catalog',
    body: catalogResourceRequestSchema,
    status: 200,
    response: catalogResourceResponseSchema,
    errors: { 404: 'Catalog entry not found' },
  }),
} as const;
