import type { Logger } from '@switchyard/service-kit';
import type { Express } from 'express';
import type { CatalogStore } from '../storage/catalog-store.js';
import { ActionService, type ExecutionBackend, type ExecutionReader } from './action-service.js';
import type { ActionStore } from './action-store.js';
import { ActionRenderer } from './renderer.js';
import { actionRouter } from './routes.js';

export interface MountActionsOptions {
  app: Express;
  /** The Actions tables; their status log is published by the engine's outbox (see status-feed.ts). */
  store: ActionStore;
  catalog: CatalogStore;
  engine: ExecutionBackend;
  executions: ExecutionReader;
  logger: Logger;
  /** Most levels of nested playbooks below an Action's playbook. Default 10. */
  maxDepth?: number;
  /** How often running Actions are checked against their executions (ms). Default 1000. */
  reconcileMs?: number;
}

export interface MountedActions {
  service: ActionService;
  store: ActionStore;
  /** Stops rendering; call before the database closes. */
  close(): Promise<void>;
}

/**
 * Adds the Actions API to the engine: routes under `/api/actions` and `/api/typeinstances`, Action status
 * changes logged for the outbox, and recovery of Actions a restart interrupted. The database needs
 * ACTIONS_MIGRATION applied first.
 */
export async function mountActions(options: MountActionsOptions): Promise<MountedActions> {
  const store = options.store;
  const renderer = new ActionRenderer({
    catalog: options.catalog,
    typeInstance: (id) => store.typeInstance(id),
    ...(options.maxDepth ? { maxDepth: options.maxDepth } : {}),
  });
  const service = new ActionService({
    store,
    renderer,
    catalog: options.catalog,
    engine: options.engine,
    executions: options.executions,
    logger: options.logger,
  });
  options.app.use('/api', actionRouter({ actions: service, store }));
  await service.recover();
  service.startBackground(options.reconcileMs);
  return {
    service,
    store,
    async close() {
      await service.stop();
    },
  };
}
