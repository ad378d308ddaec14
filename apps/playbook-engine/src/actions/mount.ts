import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '@switchyard/service-kit';
import type { Express } from 'express';
import type { CatalogStore } from '../storage/catalog-store.js';
import type { Database } from '../storage/database.js';
import { ActionService, type ExecutionBackend, type ExecutionReader } from './action-service.js';
import { ActionStore } from './action-store.js';
import { ActionRenderer } from './renderer.js';
import { actionRouter } from './routes.js';
import { ActionStatusPublisher } from './status-publisher.js';

export interface MountActionsOptions {
  app: Express;
  database: Database;
  catalog: CatalogStore;
  engine: ExecutionBackend;
  executions: ExecutionReader;
  /** The engine's NATS connection, when it has one. */
  nats: () => NatsConnection | undefined;
  logger: Logger;
  /** Most levels of nested playbooks below an Action's playbook. Default 10. */
  maxDepth?: number;
  /** How often running Actions are checked against their executions (ms). Default 1000. */
  reconcileMs?: number;
}

export interface MountedActions {
  service: ActionService;
  store: ActionStore;
  publisher: ActionStatusPublisher;
  /** Stops rendering and publishing; call before the database closes. */
  close(): Promise<void>;
}

/**
 * Adds the Actions API to the engine: routes under `/api/actions` and `/api/typeinstances`, Action status
 * changes published on NATS, and recovery of Actions a restart interrupted. The database needs
 * ACTIONS_MIGRATION applied first.
 */
export async function mountActions(options: MountActionsOptions): Promise<MountedActions> {
  const store = new ActionStore(options.database);
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
  const publisher = new ActionStatusPublisher(store, options.nats, options.logger);
  store.onLogged = () => publisher.kick();
  options.app.use('/api', actionRouter({ actions: service, store }));
  publisher.start();
  await service.recover();
  service.startBackground(options.reconcileMs);
  return {
    service,
    store,
    publisher,
    async close() {
      await service.stop();
      await publisher.idle();
      await publisher.stop();
    },
  };
}
