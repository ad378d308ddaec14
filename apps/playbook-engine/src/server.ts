import { Counter, createService, Gauge, Histogram, type Logger, type Service } from '@switchyard/service-kit';
import type { EngineHealth } from '@switchyard/engine-client';
import { ActionStore } from './actions/action-store.js';
import { mountActions } from './actions/mount.js';
import { actionStatusFeed } from './actions/status-feed.js';
import { AuthService } from './auth/auth-service.js';
import { createDevIssuer, remoteKeys, type DevIssuer } from './auth/keys.js';
import { AUTH_PLAYBOOKS } from './auth/playbooks.js';
import type { EngineConfig } from './config.js';
import { Engine, PlaybookInvalidError } from './engine.js';
import { DEFAULT_PLAYBOOKS_DIR, readPlaybookFiles } from './examples.js';
import { openApiDocument } from './http/openapi.js';
import { engineRouter } from './http/routes.js';
import { engineErrorBody } from './http/validate.js';
import { linkNats, type NatsLink } from './nats-link.js';
import { Outbox } from './outbox.js';
import { openWorkQueue, type WorkQueue } from './work-queue.js';
import { CatalogStore } from './storage/catalog-store.js';
import { CredentialStore, SecretBox } from './storage/credential-store.js';
import { openDatabase, type Database } from './storage/database.js';
import { ExecutionStore } from './storage/execution-store.js';
import { migrate } from './storage/migrations.js';
import { StepDispatcher } from '@switchyard/playbook-runtime';
import { engineListenHost, requireEngineToken } from './http/engine-auth.js';
import { limitJsonDepth } from './http/json-depth.js';
import { startLocalWorkers } from './local-workers.js';
import { resolveStepCredential } from './step-credentials.js';
import { startTemplates } from './templates.js';

export type EngineServiceConfig = Omit<
  EngineConfig,
  'ACTIONS_MAX_DEPTH' | 'ACTIONS_RECONCILE_MS' | 'LOG_LEVEL' | 'LOG_FORMAT'
> &
  Partial<Pick<EngineConfig, 'ACTIONS_MAX_DEPTH' | 'ACTIONS_RECONCILE_MS' | 'LOG_LEVEL' | 'LOG_FORMAT'>>;

export interface EngineServiceDeps {
  logger?: Logger;
  /** Use this database instead of opening one from the config (tests share one PGlite per file). */
  database?: Database;
  /** Extra environment for the local workers (e.g. HTTP_TOOL_ALLOW in tests). */
  workerEnv?: Record<string, string>;
}

export interface EngineService {
  service: Service;
  engine: Engine;
  database: Database;
  outbox: Outbox;
  nats: NatsLink;
  devIssuer?: DevIssuer;
  listen: Service['listen'];
  shutdown(): Promise<void>;
}

/** Builds the engine: storage, migrations, auth, outbox to NATS, the REST API; call listen() to serve. */
export async function createEngineService(
  config: EngineServiceConfig,
  deps: EngineServiceDeps = {},
): Promise<EngineService> {
  const listenAt = engineListenHost({
    host: config.HOST,
    tokens: config.ENGINE_API_TOKEN,
    production: process.env.NODE_ENV === 'production',
  });
  const service = createService({
    name: 'playbook-engine',
    port: config.PORT,
    host: listenAt.host,
    logger: deps.logger,
    bodyLimit: config.BODY_LIMIT,
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    formatError: engineErrorBody,
  });
  const logger = service.logger;
  if (listenAt.warning) logger.warn(listenAt.warning);
  const ownsDatabase = !deps.database;
  const database =
    deps.database ??
    (await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.ENGINE_DATA_DIR }));
  await migrate(database);

  const catalog = new CatalogStore(database);
  const executions = new ExecutionStore(database, config.EVENT_RESULT_LIMIT_BYTES);
  const credentials = new CredentialStore(
    database,
    config.CREDENTIALS_KEY ? new SecretBox(config.CREDENTIALS_KEY) : undefined,
  );

  let devIssuer: DevIssuer | undefined;
  if (config.AUTH_DEV_ISSUER) {
    devIssuer = await createDevIssuer(
      config.AUTH_ISSUER ?? 'switchyard-dev',
      config.AUTH_AUDIENCE ?? 'switchyard',
    );
    logger.warn('AUTH_DEV_ISSUER is on: the engine signs its own login tokens (local demos only)');
  }
  const auth = new AuthService(database, {
    issuer: devIssuer?.issuer ?? config.AUTH_ISSUER,
    audience: devIssuer?.audience ?? config.AUTH_AUDIENCE,
    keys: devIssuer?.keys ?? (config.AUTH_JWKS_URL ? remoteKeys(config.AUTH_JWKS_URL) : undefined),
    defaultRole: config.AUTH_DEFAULT_ROLE,
    adminEmails: config.AUTH_ADMIN_EMAILS.map((e) => e.toLowerCase()),
    defaultSessionHours: config.AUTH_SESSION_HOURS,
  });

  const published = new Counter({
    name: 'engine_events_published_total',
    help: 'Events published to JetStream',
    registers: [service.metrics],
  });
  const publishFailures = new Counter({
    name: 'engine_event_publish_failures_total',
    help: 'Outbox passes that hit a publish failure',
    registers: [service.metrics],
  });
  const delay = new Histogram({
    name: 'engine_event_publish_delay_seconds',
    help: 'Delay from event write to JetStream acknowledgement',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1, 5, 30],
    registers: [service.metrics],
  });
  const written = new Counter({
    name: 'engine_events_written_total',
    help: 'Events appended to the event log',
    labelNames: ['type'],
    registers: [service.metrics],
  });
  // The Action status log is the outbox's second feed: the store tells the outbox when it logged a change.
  const actionStore = new ActionStore(database, () => outbox.kickFeeds());
  const outbox = new Outbox(
    executions,
    logger,
    {
      published: (n) => published.inc(n),
      failed: () => publishFailures.inc(),
      delaySeconds: (s) => delay.observe(s),
    },
    {},
    [actionStatusFeed(actionStore)],
  );
  executions.onAppended = (event) => {
    written.inc({ type: event.type });
    outbox.enqueue(event);
  };

  const templates = await startTemplates(config);
  let dispatcher: StepDispatcher | undefined;
  const ownDatabase = database.kind === 'postgres' ? config.DATABASE_URL : undefined;
  const engine = new Engine({
    catalog,
    executions,
    runtime: { auth },
    templates,
    dispatcher: () => dispatcher,
    logger,
    settings: {
      maxParallel: config.MAX_PARALLEL_STEPS,
      leaseMs: config.EXECUTION_LEASE_MS,
      maxActive: config.MAX_ACTIVE_EXECUTIONS,
      maxLoopItems: config.ENGINE_MAX_LOOP_ITEMS,
      stepTimeoutMs: config.ENGINE_STEP_TIMEOUT_S * 1000,
      maxRetryAttempts: config.ENGINE_MAX_RETRY_ATTEMPTS,
      maxStepVisits: config.ENGINE_MAX_STEP_VISITS,
      maxDepth: config.ENGINE_MAX_PLAYBOOK_DEPTH,
      maxChildren: config.ENGINE_MAX_CHILD_EXECUTIONS,
    },
  });
  new Gauge({
    name: 'engine_active_executions',
    help: 'Executions running in this process',
    registers: [service.metrics],
    collect() {
      this.set(engine.activeCount);
    },
  });

  for (const content of AUTH_PLAYBOOKS) await engine.registerIfChanged(content);
  if (config.REGISTER_EXAMPLES) {
    const dir = config.PLAYBOOKS_DIR ?? DEFAULT_PLAYBOOKS_DIR;
    const files = await readPlaybookFiles(dir).catch((error: unknown) => {
      logger.warn({ dir, err: error }, 'cannot read example playbooks');
      return [];
    });
    for (const { file, content } of files) {
      try {
        await engine.registerIfChanged(content);
      } catch (error) {
        if (!(error instanceof PlaybookInvalidError)) throw error;
        logger.error({ file, problems: error.problems }, 'example playbook is invalid; skipped');
      }
    }
  }

  const natsUrl = config.NATS_URL && config.NATS_URL !== 'none' ? config.NATS_URL : undefined;
  let workQueue: WorkQueue | undefined;
  const nats = linkNats({
    url: natsUrl,
    prefix: config.NATS_UPDATES_SUBJECT_PREFIX,
    outbox,
    logger,
    onReady: async (nc) => {
      dispatcher = await StepDispatcher.open({
        nc,
        engineId: engine.instanceId,
        logger,
        heartbeatTimeoutMs: config.WORKER_HEARTBEAT_TIMEOUT_MS,
        resolveCredential: (name) => resolveStepCredential(credentials, name, ownDatabase),
      });
      if (!config.WORK_QUEUE) return;
      workQueue = await openWorkQueue({
        nc,
        logger,
        freeSlots: () => engine.freeSlots,
        waitForSlot: () => engine.whenSlotFree(),
        handle: async (executionId) => {
          await engine.startQueued(executionId);
        },
      });
      engine.useWorkQueue(workQueue);
    },
  });
  outbox.start();
  const localWorkers =
    natsUrl && config.ENGINE_LOCAL_WORKERS > 0
      ? startLocalWorkers({
          count: config.ENGINE_LOCAL_WORKERS,
          natsUrl,
          concurrency: config.WORKER_CONCURRENCY,
          logger,
          logLevel: config.LOG_LEVEL,
          env: deps.workerEnv,
        })
      : undefined;

  const health = async (): Promise<EngineHealth> => ({
    status: 'ok',
    service: 'playbook-engine',
    nats: nats.state,
    storage: database.kind === 'postgres' ? 'postgres' : 'pglite',
    unpublished_events: await executions.countUnpublished(),
  });

  service.addReadinessCheck('database', async () => {
    await database.query('SELECT 1');
  });
  if (natsUrl) {
    service.addReadinessCheck('nats', async () => {
      if (nats.state !== 'connected') throw new Error('NATS is not connected');
    });
  }

  service.app.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument());
  });
  service.app.use(requireEngineToken(config.ENGINE_API_TOKEN));
  service.app.use(limitJsonDepth(config.ENGINE_MAX_JSON_DEPTH));
  const actions = await mountActions({
    app: service.app,
    store: actionStore,
    catalog,
    engine,
    executions,
    logger,
    ...(config.ACTIONS_MAX_DEPTH ? { maxDepth: config.ACTIONS_MAX_DEPTH } : {}),
    ...(config.ACTIONS_RECONCILE_MS ? { reconcileMs: config.ACTIONS_RECONCILE_MS } : {}),
  });
  service.app.use('/api', engineRouter({ engine, catalog, executions, credentials, devIssuer, health }));

  await engine.recover();
  engine.startBackground();

  service.onShutdown(async () => {
    engine.useWorkQueue(undefined);
    await workQueue?.close();
    await engine.stop(Math.max(0, config.SHUTDOWN_TIMEOUT_MS - 1_000));
    await dispatcher?.close();
    await localWorkers?.stop();
    await templates.close();
    await actions.close();
    await Promise.race([
      Promise.all([outbox.idle(), outbox.feedsIdle()]),
      new Promise((r) => setTimeout(r, 2_000).unref()),
    ]);
    await outbox.stop();
    await nats.close();
    if (ownsDatabase) await database.close();
  });

  return {
    service,
    engine,
    database,
    outbox,
    nats,
    devIssuer,
    listen: () => service.listen(),
    shutdown: () => service.shutdown(),
  };
}
