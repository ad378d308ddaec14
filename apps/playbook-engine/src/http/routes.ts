import { Router, type Request } from 'express';
import {
  cancelRequestSchema,
  catalogResourceRequestSchema,
  credentialRequestSchema,
  devTokenRequestSchema,
  executeRequestSchema,
  executionEventsQuerySchema,
  listCatalogRequestSchema,
  listExecutionsQuerySchema,
  registerCatalogRequestSchema,
  EXECUTION_ID_PATTERN,
  executionBatchRequestSchema,
  runPlaybookRequestSchema,
  runSyncRequestSchema,
  type EngineHealth,
} from '@switchyard/engine-client';
import { isTerminalStatus } from '@switchyard/execution-events';
import { HttpError } from '@switchyard/service-kit';
import type { DevIssuer } from '../auth/keys.js';
import { NotFoundError, PlaybookInvalidError, type Engine } from '../engine.js';
import { entryOf, type CatalogStore } from '../storage/catalog-store.js';
import type { CredentialStore } from '../storage/credential-store.js';
import type { ExecutionStore } from '../storage/execution-store.js';
import { parseInput } from './validate.js';

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


function executionIdParam(req: Request): string {
  const id = String(req.params.id);
  if (!EXECUTION_ID_PATTERN.test(id)) throw new HttpError(400, 'INVALID_EXECUTION_ID', `"${id}" is not an execution id`);
  return id;
}

/** The NoETL-compatible REST API under /api. */
export function engineRoutes(deps: RouteDeps): Router {
  const router = Router();
  const { engine, catalog, executions, credentials } = deps;

  router.get('/health', async (_req, res) => {
    res.json(await deps.health());
  });

  router.post('/catalog/register', async (req, res) => {
    const body = parseInput(registerCatalogRequestSchema, req.body);
    const record = await engine.register(body.content).catch(mapError);
    res.status(201).json({
      status: 'success',
      message: `registered ${record.path} version ${record.version}`,
      ...entryOf(record),
    });
  });

  router.post('/catalog/list', async (req, res) => {
    const body = parseInput(listCatalogRequestSchema, req.body);
    res.json({ entries: await catalog.list({ path: body.path, allVersions: body.all_versions }) });
  });

  router.post('/catalog/resource', async (req, res) => {
    const body = parseInput(catalogResourceRequestSchema, req.body);
    const record =
      body.catalog_id !== undefined
        ? await catalog.byId(String(body.catalog_id))
        : body.version !== undefined
          ? await catalog.get(body.path!, body.version)
          : await catalog.latest(body.path!);
    if (!record) throw new HttpError(404, 'NOT_FOUND', 'no such catalog entry');
    res.json(record);
  });

  router.post('/run/playbook', async (req, res) => {
    const body = parseInput(runPlaybookRequestSchema, req.body);
    const started = await engine
      .start({
        path: body.path,
        version: body.version,
        args: body.args,
        parentExecutionId: body.parent_execution_id,
        createdBy: body.created_by,
      })
      .catch(mapError);
    res.status(202).json(started);
  });

  router.post('/run/sync', async (req, res) => {
    const body = parseInput(runSyncRequestSchema, req.body);
    const outcome = await engine
      .runToEnd({ path: body.path, args: body.args, timeoutMs: body.timeout_ms ?? 15_000 })
      .catch(mapError);
    res.json(outcome);
  });

  router.post('/execute', async (req, res) => {
    const body = parseInput(executeRequestSchema, req.body);
    const started = await engine
      .start({
        path: body.path,
        version: body.version,
        catalogId: body.catalog_id !== undefined ? String(body.catalog_id) : undefined,
        args: body.payload,
        parentExecutionId: body.parent_execution_id,
        createdBy: body.created_by,
      })
      .catch(mapError);
    res.status(202).json(started);
  });

  router.get('/executions', async (req, res) => {
    const query = parseInput(listExecutionsQuerySchema, req.query, 'query');
    const page = await executions.list({
      status: query.status,
      path: query.path,
      parentExecutionId: query.parent_execution_id,
      createdBy: query.created_by,
      limit: query.limit,
      offset: query.offset,
    });
    res.json({ ...page, limit: query.limit, offset: query.offset });
  });

  router.get('/executions/:id', async (req, res) => {
    const id = executionIdParam(req);
    const execution = await executions.get(id);
    if (!execution) throw new HttpError(404, 'NOT_FOUND', `execution ${id} does not exist`);
    const events = await executions.events(id);
    res.json({ ...execution, events });
  });

  router.post('/executions/batch', async (req, res) => {
    const { ids } = parseInput(executionBatchRequestSchema, req.body);
    const unique = [...new Set(ids)];
    const [found, events] = await Promise.all([executions.getMany(unique), executions.eventsOfMany(unique)]);
    const byId = new Map(found.map((e) => [e.execution_id, e]));
    res.json({
      executions: ids.flatMap((id) => {
        const execution = byId.get(id);
        return execution ? [{ ...execution, events: events.get(id) ?? [] }] : [];
      }),
    });
  });

  router.get('/executions/:id/status', async (req, res) => {
    const id = executionIdParam(req);
    const execution = await executions.get(id);
    if (!execution) throw new HttpError(404, 'NOT_FOUND', `execution ${id} does not exist`);
    res.json({
      execution_id: id,
      status: execution.status,
      completed: isTerminalStatus(execution.status),
      last_seq: execution.last_seq,
      result: execution.result,
      error: execution.error,
    });
  });

  router.get('/executions/:id/events', async (req, res) => {
    const id = executionIdParam(req);
    const query = parseInput(executionEventsQuerySchema, req.query, 'query');
    const execution = await executions.get(id);
    if (!execution) throw new HttpError(404, 'NOT_FOUND', `execution ${id} does not exist`);
    res.json({ execution_id: id, events: await executions.events(id, query.from_seq) });
  });

  router.post('/executions/:id/cancel', async (req, res) => {
    const id = executionIdParam(req);
    const body = parseInput(cancelRequestSchema, req.body);
    res.json(await engine.cancel(id, body.reason, body.cascade).catch(mapError));
  });

  const requireCredentials = () => {
    if (!credentials.enabled) {
      throw new HttpError(
        503,
        'CREDENTIALS_DISABLED',
        'Credentials are disabled: set CREDENTIALS_KEY on the engine',
      );
    }
  };
  router.post('/credentials', async (req, res) => {
    requireCredentials();
    const body = parseInput(credentialRequestSchema, req.body);
    res.status(201).json(await credentials.put(body));
  });
  router.get('/credentials', async (_req, res) => {
    res.json({ credentials: await credentials.list() });
  });
  router.delete('/credentials/:name', async (req, res) => {
    const removed = await credentials.remove(String(req.params.name));
    if (!removed)
      throw new HttpError(404, 'NOT_FOUND', `credential ${String(req.params.name)} does not exist`);
    res.json(removed);
  });

  if (deps.devIssuer) {
    const dev = deps.devIssuer;
    router.get('/auth/dev/jwks.json', (_req, res) => {
      res.json(dev.jwks);
    });
    router.post('/auth/dev/token', async (req, res) => {
      const body = parseInput(devTokenRequestSchema, req.body);
      const token = await dev.sign({
        sub: body.sub,
        email: body.email,
        name: body.name,
        expiresInSeconds: body.expires_in_seconds,
      });
      res.json({ token, issuer: dev.issuer, audience: dev.audience });
    });
  }
  return router;
}
