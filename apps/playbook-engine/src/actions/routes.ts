import { Router } from 'express';
import { actionRoutes, INVALID_ACTION_STATE } from '@switchyard/engine-client';
import { HttpError } from '@switchyard/service-kit';
import type { ActionService } from './action-service.js';
import { UnknownTypeInstanceInputError } from './action-service.js';
import type { ActionStore } from './action-store.js';
import { mountRoutes } from '../http/mount-routes.js';
import {
  ActionExistsError,
  ActionNotFoundError,
  InvalidActionStateError,
  TypeInstanceNotFoundError,
} from './errors.js';

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

/** REST for Actions and TypeInstances, one handler per route declared in `@switchyard/engine-client`; mount it under `/api`. */
export function actionRouter(deps: { actions: ActionService; store: ActionStore }): Router {
  const { actions, store } = deps;
  const router = Router();
  mountRoutes(router, actionRoutes, {
    createAction: ({ body }) => {
      const { name, created_by, ...inputs } = body;
      return answer(() => actions.create(name, { ...inputs, createdBy: created_by ?? null }));
    },
    listActions: async ({ query }) => {
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
      return { actions: pattern ? list.filter((a) => pattern.test(a.name)) : list };
    },
    getAction: async ({ params }) => {
      const stored = await store.get(params.name);
      if (!stored) throw new HttpError(404, 'ACTION_NOT_FOUND', `Action ${params.name} does not exist`);
      return stored.action;
    },
    updateAction: ({ params, body }) => answer(() => actions.update(params.name, body)),
    deleteAction: ({ params }) => answer(() => actions.delete(params.name)),
    runAction: ({ params, body }) => answer(() => actions.run(params.name, body.user ?? null)),
    cancelAction: ({ params, body }) => answer(() => actions.cancel(params.name, body.user ?? null)),
    continueAdvancedRendering: ({ params, body }) =>
      answer(() => actions.continueRendering(params.name, body.typeInstances)),
    createTypeInstance: ({ body }) =>
      store.createTypeInstance({
        path: body.typeRef.path,
        revision: body.typeRef.revision,
        value: body.value,
        createdBy: body.created_by ?? null,
      }),
    listTypeInstances: async ({ query }) => ({ typeInstances: await store.typeInstances(query) }),
    getTypeInstance: async ({ params }) => {
      const instance = await store.typeInstance(params.id);
      if (!instance)
        throw new HttpError(404, 'TYPE_INSTANCE_NOT_FOUND', `TypeInstance ${params.id} does not exist`);
      return instance;
    },
  });
  return router;
}
