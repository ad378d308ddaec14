import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from 'pino';
import { corsMiddleware, type CorsOptions } from './cors.js';
import { HttpError, toHttpError } from './http-error.js';
import { createHttpMetrics } from './metrics.js';
import type { Registry } from 'prom-client';
import { runReadinessChecks, type ReadinessCheck } from './readiness.js';
import { silentLogger } from './logger.js';
import { setupTracing } from './tracing.js';
import { resumeRequestTrace, startRequestTrace } from './tracing-middleware.js';

/** The part of a `ws` WebSocketServer that shutdown needs. */
export interface ClosableSocketServer {
  clients: Set<{ close(code?: number, reason?: string): void; terminate(): void }>;
  close(cb?: (err?: Error) => void): void;
}

export interface ServiceOptions {
  name: string;
  port: number;
  host: string;
  logger?: Logger;
  /** Largest accepted request body, e.g. '1mb'. */
  bodyLimit?: string;
  /** How long shutdown waits for in-flight requests before closing connections by force. */
  shutdownTimeoutMs?: number;
  /** Dependency checks behind `/ready`. */
  readiness?: Record<string, ReadinessCheck>;
  readinessTimeoutMs?: number;
  /** Parse JSON bodies for every route (default true). */
  parseJson?: boolean;
  /** Replaces the default `GET /health` answer (200 `{ status: 'ok' }`), e.g. for a protocol that wants 204. */
  health?: (req: Request, res: Response) => void | Promise<void>;
  /** Shapes the body of an error response; default `{ error: { code, message, details? } }`. */
  formatError?: (error: HttpError, req: Request) => unknown;
  /** CORS for every route (see {@link corsMiddleware}); unset or no origins: no CORS headers. */
  cors?: CorsOptions;
}

export interface ListenAddress {
  host: string;
  port: number;
  url: string;
}

export interface Service {
  readonly name: string;
  readonly app: Express;
  readonly server: Server;
  readonly logger: Logger;
  readonly metrics: Registry;
  readonly isShuttingDown: boolean;
  addReadinessCheck(name: string, check: ReadinessCheck): void;
  /** Registers a closer that runs after HTTP traffic has drained; closers run in reverse order. */
  onShutdown(closer: () => unknown): void;
  /** WebSocket servers whose clients are closed (1001) on shutdown. */
  trackSocketServer(wss: ClosableSocketServer): void;
  listen(): Promise<ListenAddress>;
  shutdown(reason?: string): Promise<void>;
  /** SIGTERM / SIGINT drain the service, then exit 0; the drain is bounded by `shutdownTimeoutMs`. */
  exitOnSignals(): void;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Creates the HTTP service every Switchyard app is built on: express 5 plus the operational endpoints. */
export function createService(options: ServiceOptions): Service {
  const logger = options.logger ?? silentLogger();
  const readiness: Record<string, ReadinessCheck> = { ...options.readiness };
  const closers: Array<() => unknown> = [];
  const socketServers: ClosableSocketServer[] = [];
  const shutdownTimeoutMs = options.shutdownTimeoutMs ?? 10_000;
  const metrics = createHttpMetrics(options.name);
  let shuttingDown = false;
  let shutdownPromise: Promise<void> | undefined;
  let inFlight = 0;
  let finalized = false;

  const tracing = setupTracing({ serviceName: options.name });
  closers.push(() => tracing.forceFlush());

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(startRequestTrace(options.name));

  app.use((req, res, next) => {
    inFlight++;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      inFlight--;
    };
    res.once('finish', finish);
    res.once('close', finish);
    if (shuttingDown) res.setHeader('Connection', 'close');
    next();
  });
  app.use(
    pinoHttp({
      logger,
      genReqId: (req: IncomingMessage, res: ServerResponse) => {
        const header = req.headers['x-request-id'];
        const id = typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
        res.setHeader('x-request-id', id);
        return id;
      },
      serializers: {
        req: (req: { id?: unknown; method?: string; url?: string }) => ({
          id: req.id,
          method: req.method,
          url: req.url,
        }),
        res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
      },
      autoLogging: { ignore: (req) => ['/health', '/ready', '/metrics'].includes(req.url ?? '') },
      customLogLevel: (_req, res, err) =>
        err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
    }),
  );
  app.use(metrics.middleware);
  if (options.cors && options.cors.origins.length > 0) app.use(corsMiddleware(options.cors));

  app.get(
    '/health',
    options.health ??
      ((_req, res) => {
        res.json({ status: 'ok', service: options.name });
      }),
  );
  app.get('/ready', async (_req, res) => {
    if (shuttingDown) {
      res.status(503).json({ status: 'shutting_down', service: options.name, checks: {} });
      return;
    }
    const report = await runReadinessChecks(readiness, options.readinessTimeoutMs ?? 2_000);
    res.status(report.ready ? 200 : 503).json({
      status: report.ready ? 'ready' : 'not_ready',
      service: options.name,
      checks: report.checks,
    });
  });
  app.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', metrics.registry.contentType);
    res.send(await metrics.registry.metrics());
  });

  if (options.parseJson !== false) {
    app.use(
      express.json({ limit: options.bodyLimit ?? '1mb', type: ['application/json', 'application/*+json'] }),
    );
  }
  app.use(resumeRequestTrace);

  const server = createServer(app);
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;

  const formatError = options.formatError ?? ((error: HttpError) => error.toBody());

  function finalize() {
    if (finalized) return;
    finalized = true;
    app.use((req: Request, res: Response) => {
      const error = new HttpError(404, 'NOT_FOUND', `No route for ${req.method} ${req.path}`);
      res.status(404).json(formatError(error, req));
    });
    app.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
      const error = toHttpError(err);
      if (error.status >= 500) req.log?.error({ err }, 'request failed');
      if (res.headersSent) {
        next(err);
        return;
      }
      res.status(error.status).json(formatError(error, req));
    });
  }

  async function shutdown(reason = 'shutdown requested'): Promise<void> {
    if (shutdownPromise) return shutdownPromise;
    shuttingDown = true;
    shutdownPromise = (async () => {
      logger.info({ reason, inFlight }, 'shutting down: draining in-flight work');
      const closed = new Promise<void>((resolve) => {
        if (!server.listening) resolve();
        else server.close(() => resolve());
      });
      for (const wss of socketServers) {
        for (const client of wss.clients) client.close(1001, 'server shutting down');
        wss.close();
      }
      const idleSweep = setInterval(() => server.closeIdleConnections(), 50);
      server.closeIdleConnections();
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        closed.then(() => false),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(true), shutdownTimeoutMs);
        }),
      ]);
      clearTimeout(timer);
      clearInterval(idleSweep);
      if (timedOut) {
        logger.warn({ inFlight }, `drain timed out after ${shutdownTimeoutMs} ms; closing connections`);
        for (const wss of socketServers) for (const client of wss.clients) client.terminate();
        server.closeAllConnections();
      }
      for (const closer of [...closers].reverse()) {
        try {
          await closer();
        } catch (error) {
          logger.error({ err: error }, 'error while closing a dependency');
        }
      }
      logger.info('shutdown complete');
    })();
    return shutdownPromise;
  }

  return {
    name: options.name,
    app,
    server,
    logger,
    metrics: metrics.registry,
    get isShuttingDown() {
      return shuttingDown;
    },
    addReadinessCheck(name, check) {
      readiness[name] = check;
    },
    onShutdown(closer) {
      closers.push(closer);
    },
    trackSocketServer(wss) {
      socketServers.push(wss);
    },
    listen() {
      finalize();
      return new Promise<ListenAddress>((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port, options.host, () => {
          server.off('error', reject);
          const address = server.address() as AddressInfo;
          const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
          const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`;
          logger.info({ url }, `${options.name} listening`);
          resolve({ host: address.address, port: address.port, url });
        });
      });
    },
    shutdown,
    exitOnSignals() {
      let signalled = false;
      const onSignal = (signal: NodeJS.Signals) => {
        // A repeated signal (a terminal's Ctrl-C reaches every process of the group, then a supervisor
        // sends SIGTERM) must not cut the drain short; SHUTDOWN_TIMEOUT_MS bounds it instead.
        if (signalled) {
          logger.info(`${signal} received while already shutting down`);
          return;
        }
        signalled = true;
        shutdown(`received ${signal}`).then(
          () => process.exit(0),
          (error: unknown) => {
            logger.error({ err: error }, 'shutdown failed');
            process.exit(1);
          },
        );
      };
      process.on('SIGTERM', onSignal);
      process.on('SIGINT', onSignal);
    },
  };
}
