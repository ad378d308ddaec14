import { Router } from 'express';
import { engineRoutes, type EngineHealth, type VersionInput } from '@switchyard/engine-client';
import { HttpError } from '@switchyard/service-kit';
import type { DevIssuer } from '../auth/keys.js';
import { NotFoundError, PlaybookInvalidError, type Engine } from '../engine.js';
import type { CatalogStore } from '../storage/catalog-store.js';
import type { CredentialStore } from '../storage/credential-store.js';
import type { ExecutionStore } from '../storage/execution-store.js';
import type { ExecutionRecord } from '../storage/records.js';
import { mountRoutes } from './mount-routes.js';
import {
  cancellationCheckOf,
  catalogEntryOf,
  decodeContent,
  eventRowOf,
  executionDetailOf,
  executionEntryOf,
  executionStateOf,
} from './noetl-views.js';

export interface RouteDeps {
  engine: Engine;
  catalog: CatalogStore;
  executions: ExecutionStore;
  credentials: CredentialStore;
  devIssuer?: DevIssuer;
  health: () => Promise<EngineHealth>;
}

function mapError(error: unknown): never {
  if (error instanceof PlaybookInvalidError) {
    const summary = error.problems
      .slice(0, 5)
      .map((p) => `${p.path}: ${p.message}`)
      .join('; ');
    throw new HttpError(400, 'INVALID_PLAYBOOK', `Invalid playbook: ${summary}`, {
      problems: error.problems,
    });
  }
  if (error instanceof NotFoundError) throw new HttpError(404, 'NOT_FOUND', error.message);
  throw error;
}

/** `"latest"`, missing → undefined (the latest); digits or a number → that version. */
function versionOf(version: VersionInput | null | undefined): number | undefined {
  return version === undefined || version === null || version === 'latest' ? undefined : Number(version);
}

function notFound(message: string): HttpError {
  return new HttpError(404, 'NOT_FOUND', message);
}

/** The engine REST API under /api: one handler per route declared in `@switchyard/engine-client`. */
export function engineRouter(deps: RouteDeps): Router {
  const router = Router();
  const { engine, catalog, executions, credentials } = deps;

  const execution = async (id: string): Promise<ExecutionRecord> => {
    const found = await executions.get(id);
    if (!found) throw notFound(`Execution ${id} not found`);
    return found;
  };
  const requireCredentials = () => {
    if (!credentials.enabled) {
      throw new HttpError(
        503,
        'CREDENTIALS_DISABLED',
        'Credentials are disabled: set CREDENTIALS_KEY on the engine',
      );
    }
  };
  const dev = deps.devIssuer;

  mountRoutes(router, engineRoutes, {
    health: () => deps.health(),

    registerPlaybook: async ({ body }) => {
      if (body.resource_type.toLowerCase() !== 'playbook') {
        throw new HttpError(
          400,
          'UNSUPPORTED_RESOURCE_TYPE',
          `resource_type ${body.resource_type} is not supported here; only Playbook`,
        );
      }
      const { record, warnings } = await engine.registerChecked(decodeContent(body.content)).catch(mapError);
      return {
        ...(warnings.length > 0 ? { warnings } : {}),
        status: 'success',
        message: `Resource '${record.path}' version '${record.version}' registered.`,
        path: record.path,
        version: record.version,
        catalog_id: record.catalog_id,
        kind: record.kind,
        name: record.name,
        description: record.description,
        created_at: record.created_at,
      };
    },
    listCatalog: async ({ body }) => {
      const records = await catalog.list({
        path: body.path,
        allVersions: body.all_versions,
        kind: body.resource_type ?? undefined,
      });
      return { entries: records.map(catalogEntryOf) };
    },
    getCatalogResource: async ({ body }) => {
      const version = versionOf(body.version);
      const record = body.catalog_id
        ? await catalog.byId(body.catalog_id)
        : version !== undefined
          ? await catalog.get(body.path!, version)
          : await catalog.latest(body.path!);
      if (!record) throw notFound('Catalog entry not found');
      return catalogEntryOf(record);
    },

    runSync: async ({ body }) =>
      engine
        .runToEnd({ path: body.path, args: body.args, timeoutMs: body.timeout_ms ?? 15_000 })
        .catch(mapError),
    runPlaybook: async ({ body }) => {
      const parent = body.context?.parent_execution_id ?? body.parent_execution_id ?? undefined;
      const started = await engine
        .start({
          ...(body.catalog_id
            ? { catalogId: body.catalog_id }
            : { path: body.path!, version: versionOf(body.version) }),
          args: body.args ?? body.parameters ?? {},
          parentExecutionId: parent,
          createdBy: body.created_by,
        })
        .catch(mapError);
      const now = new Date().toISOString();
      return {
        execution_id: started.execution_id,
        catalog_id: started.catalog_id,
        path: started.path,
        name: started.path.split('/').at(-1) ?? started.path,
        version: String(started.version),
        type: 'playbook',
        status: 'running',
        timestamp: now,
        start_time: now,
        end_time: null,
        progress: 0,
        result: null,
        error: null,
        parent_execution_id: started.parent_execution_id,
        engine_status: started.status,
      };
    },
    execute: async ({ body }) => {
      const started = await engine
        .start({
          ...(body.catalog_id
            ? { catalogId: body.catalog_id }
            : { path: body.path!, version: versionOf(body.version) }),
          args: body.payload,
          parentExecutionId: body.parent_execution_id ?? undefined,
          createdBy: body.created_by,
        })
        .catch(mapError);
      return {
        execution_id: started.execution_id,
        status: 'started',
        commands_generated: 1,
        path: started.path,
        version: started.version,
        catalog_id: started.catalog_id,
        parent_execution_id: started.parent_execution_id,
        engine_status: started.status,
      };
    },
    listExecutions: async ({ query, res }) => {
      const page = await executions.list({
        status: query.status,
        path: query.path,
        parentExecutionId: query.parent_execution_id,
        createdBy: query.created_by,
        limit: query.limit,
        offset: query.offset,
      });
      res.set('x-total-count', String(page.total));
      return page.executions.map(executionEntryOf);
    },
    getExecutions: async ({ body }) => {
      const unique = [...new Set(body.ids)];
      const found = await executions.getMany(unique);
      const byId = new Map(found.map((e) => [e.execution_id, e]));
      const details = await Promise.all(
        body.ids.flatMap((id) => {
          const record = byId.get(id);
          return record ? [executions.eventRows(id).then((rows) => executionDetailOf(record, rows))] : [];
        }),
      );
      return { executions: details };
    },
    getExecution: async ({ params }) => {
      const record = await execution(params.execution_id);
      return executionDetailOf(record, await executions.eventRows(record.execution_id));
    },
    getExecutionStatus: async ({ params }) => {
      const record = await execution(params.execution_id);
      return executionStateOf(record, await executions.events(record.execution_id));
    },
    getExecutionEvents: async ({ params, query }) => {
      const record = await execution(params.execution_id);
      return {
        execution_id: record.execution_id,
        events: await executions.events(record.execution_id, query.from_seq),
      };
    },
    cancelExecution: async ({ params, body }) => {
      const id = params.execution_id;
      const before = await execution(id);
      const outcome = await engine
        .cancel(id, body.reason ?? 'User requested cancellation', body.cascade)
        .catch(mapError);
      const already =
        outcome.cancelled_execution_ids.length === 0 || !outcome.cancelled_execution_ids.includes(id);
      return {
        status: already ? 'already_completed' : 'cancelled',
        execution_id: id,
        cancelled_executions: outcome.cancelled_execution_ids,
        message: already
          ? `Execution ${id} is already ${before.status}`
          : `Cancelled ${outcome.cancelled_execution_ids.length} execution(s)`,
        execution_status: outcome.status,
      };
    },
    cancellationCheck: async ({ params }) => {
      const record = await execution(params.execution_id);
      return cancellationCheckOf(record, await executions.events(record.execution_id));
    },
    finalizeExecution: async ({ params, body }) => {
      const id = params.execution_id;
      const status = await engine.finalize(id, body.reason);
      const message = {
        finalized: `Emitted terminal events for execution ${id}`,
        already_completed: `Execution ${id} is already completed`,
        not_found: `Execution ${id} not found in engine state store`,
      }[status];
      return { status, execution_id: id, message };
    },

    putCredential: async ({ body }) => {
      requireCredentials();
      return credentials.put(body);
    },
    listCredentials: async ({ query }) => {
      const items = await credentials.list({ type: query.type, q: query.q });
      const filter = { ...(query.type ? { type: query.type } : {}), ...(query.q ? { q: query.q } : {}) };
      return { items, filter: Object.keys(filter).length ? filter : null };
    },
    getCredential: async ({ params, query }) => {
      if (query.include_data) {
        throw new HttpError(
          403,
          'CREDENTIAL_DATA_NOT_SERVED',
          'include_data is not served: credential data never leaves the engine except to the step that names it',
        );
      }
      const found = await credentials.get(params.identifier);
      if (!found) throw notFound(`Credential ${params.identifier} not found`);
      return found;
    },
    deleteCredential: async ({ params }) => {
      const removed = await credentials.remove(params.identifier);
      if (!removed) throw notFound(`Credential ${params.identifier} not found`);
      return { message: 'Credential deleted successfully', id: removed.id, name: removed.name };
    },

    postEvent: async ({ body }) => {
      await execution(body.execution_id);
      const eventId = await executions.report({
        executionId: body.execution_id,
        step: body.step,
        name: body.name,
        payload: body.payload,
        meta: {
          ...(body.meta ?? {}),
          actionable: body.actionable,
          informative: body.informative,
          result_kind: body.result_kind,
        },
        workerId: body.worker_id ?? null,
      });
      return { status: 'ok', event_id: Number(eventId), commands_generated: 0 };
    },
    getEvent: async ({ params }) => {
      const found = await executions.eventById(params.event_id);
      if (!found) throw notFound(`Event ${params.event_id} not found`);
      if ('reported' in found) {
        const record = await executions.get(found.execution_id);
        return {
          event_id: found.id,
          execution_id: found.execution_id,
          catalog_id: record?.catalog_id ?? null,
          parent_event_id: null,
          parent_execution_id: record?.parent_execution_id ?? null,
          event_type: found.name,
          node_id: found.step,
          node_name: found.step,
          node_type: null,
          status: null,
          context: found.payload,
          meta: found.meta,
          created_at: found.createdAt,
        };
      }
      const record = await execution(found.event.executionId);
      const row = eventRowOf(record, found);
      return {
        event_id: row.event_id,
        execution_id: row.execution_id,
        catalog_id: row.catalog_id,
        parent_event_id: null,
        parent_execution_id: row.parent_execution_id,
        event_type: row.event_type,
        node_id: row.node_id,
        node_name: row.node_name,
        node_type: null,
        status: row.status,
        context: null,
        meta: null,
        created_at: found.createdAt,
        ...(found.event.result !== undefined ? { result: found.event.result } : {}),
        ...(found.event.error !== undefined ? { error: found.event.error } : {}),
        seq: found.event.seq,
      };
    },

    ...(dev
      ? {
          devJwks: () => dev.jwks as { keys: Array<Record<string, unknown>> },
          devToken: async ({ body }) => {
            const token = await dev.sign({
              sub: body.sub,
              email: body.email,
              name: body.name,
              expiresInSeconds: body.expires_in_seconds,
            });
            return { token, issuer: dev.issuer, audience: dev.audience };
          },
        }
      : {}),
  });
  return router;
}
