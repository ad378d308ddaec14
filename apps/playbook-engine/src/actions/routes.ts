import { Router, type Request } from 'express';
import type { z } from 'zod';
import {
  actionNameSchema,
  actionUserRequestSchema,
  continueRenderingRequestSchema,
  createActionRequestSchema,
  createTypeInstanceRequestSchema,
  INVALID_ACTION_STATE,
  listActionsQuerySchema,
  listTypeInstancesQuerySchema,
  updateActionRequestSchema,
} from '@switchyard/engine-client';
import { HttpError } from '@switchyard/service-kit';
import type { ActionService } from './action-service.js';
import { UnknownTypeInstanceInputError } from './action-service.js';
import type { ActionStore } from './action-store.js';
import {
  ActionExistsError,
  ActionNotFoundError,
  InvalidActionStateError,
  TypeInstanceNotFoundError,
} from './errors.js';

function parse<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const checked = schema.safeParse(value ?? {});
  if (!checked.success) {
    const details = checked.error.issues.map((i) => ({
      path: i.path.join('.') || '(root)',
      message: i.message,
    }));
    throw new HttpError(
      400,
      'VALIDATION_ERROR',
      `Invalid ${what}: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`,
      details,
    );
  }
  return checked.data;
}

function nameOf(req: Request): string {
  return parse(actionNameSchema, req.params.name, 'Action name');
}

/** Maps the Action errors to HTTP answers with machine-readable codes. */
function httpError(error: unknown): unknown {
  if (error instanceof InvalidActionStateError)
    return new HttpError(409, INVALID_ACTION_STATE, error.message, { phase: error.phase });
  if (error instanceof ActionNotFoundError) return new HttpError(404, 'ACTION_NOT_FOUND', error.message);
  if (error instanceof ActionExistsError) return new HttpError(409, 'ACTION_EXISTS', error.message);
  if (error instanceof TypeInstanceNotFoundError)
    return new HttpError(404, 'TYPE_INSTANCE_NOT_FOUND', error.message);
  if (error instanceof UnknownTypeInstanceInputError)
    return new HttpError(400, 'VALIDATION_ERROR', error.message, { offered: error.offered });
  return error;
}

async function answer<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw httpError(error);
  }
}

/** REST for Actions (`/actions`) and TypeInstances (`/typeinstances`); mount it under `/api`. */
export function actionRoutes(deps: { actions: ActionService; store: ActionStore }): Router {
  const { actions, store } = deps;
  const router = Router();

  router.post('/actions', async (req, res) => {
    const body = parse(createActionRequestSchema, req.body, 'Action');
    const { name, created_by, ...inputs } = body;
    res.status(201).json(await answer(() => actions.create(name, { ...inputs, createdBy: created_by ?? null })));
  });

  router.get('/actions', async (req, res) => {
    const query = parse(listActionsQuerySchema, req.query, 'Action filter');
    let pattern: RegExp | undefined;
    if (query.nameRegex !== undefined) {
      // User-supplied patterns run against every Action name: refuse long ones and nested quantifiers such
      // as (a+)+ whose backtracking could stall the engine.
      if (query.nameRegex.length > 200 || /\([^)]*[+*}][^)]*\)\s*[+*{]/.test(query.nameRegex)) {
        throw new HttpError(
          400,
          'VALIDATION_ERROR',
          'nameRegex must be at most 200 characters without nested quantifiers such as (a+)+',
        );
      }
      try {
        pattern = new RegExp(query.nameRegex, 'u');
      } catch (error) {
        throw new HttpError(
          400,
          'VALIDATION_ERROR',
          `nameRegex is not a regular expression: ${(error as Error).message}`,
        );
      }
    }
    const list = await store.list({
      ...(query.phase ? { phase: query.phase } : {}),
      ...(query.interfaceRef ? { path: query.interfaceRef } : {}),
      ...(query.created_by ? { createdBy: query.created_by } : {}),
    });
    res.json({ actions: pattern ? list.filter((a) => pattern.test(a.name)) : list });
  });

  router.get('/actions/:name', async (req, res) => {
    const name = nameOf(req);
    const stored = await store.get(name);
    if (!stored) throw new HttpError(404, 'ACTION_NOT_FOUND', `Action ${name} does not exist`);
    res.json(stored.action);
  });

  router.put('/actions/:name', async (req, res) => {
    const name = nameOf(req);
    const body = parse(updateActionRequestSchema, req.body, 'Action');
    res.json(await answer(() => actions.update(name, body)));
  });

  router.delete('/actions/:name', async (req, res) => {
    const name = nameOf(req);
    res.json(await answer(() => actions.delete(name)));
  });

  router.post('/actions/:name/run', async (req, res) => {
    const name = nameOf(req);
    const body = parse(actionUserRequestSchema, req.body, 'run request');
    res.json(await answer(() => actions.run(name, body.user ?? null)));
  });

  router.post('/actions/:name/cancel', async (req, res) => {
    const name = nameOf(req);
    const body = parse(actionUserRequestSchema, req.body, 'cancel request');
    res.json(await answer(() => actions.cancel(name, body.user ?? null)));
  });

  router.post('/actions/:name/continue-rendering', async (req, res) => {
    const name = nameOf(req);
    const body = parse(continueRenderingRequestSchema, req.body, 'rendering input');
    res.json(await answer(() => actions.continueRendering(name, body.typeInstances)));
  });

  router.post('/typeinstances', async (req, res) => {
    const body = parse(createTypeInstanceRequestSchema, req.body, 'TypeInstance');
    res.status(201).json(
      await store.createTypeInstance({
        path: body.typeRef.path,
        revision: body.typeRef.revision,
        value: body.value,
        createdBy: body.created_by ?? null,
      }),
    );
  });

  router.get('/typeinstances', async (req, res) => {
    const query = parse(listTypeInstancesQuerySchema, req.query, 'TypeInstance filter');
    res.json({ typeInstances: await store.typeInstances(query) });
  });

  router.get('/typeinstances/:id', async (req, res) => {
    const instance = await store.typeInstance(String(req.params.id));
    if (!instance)
      throw new HttpError(
        404,
        'TYPE_INSTANCE_NOT_FOUND',
        `TypeInstance ${String(req.params.id)} does not exist`,
      );
    res.json(instance);
  });

  return router;
}
