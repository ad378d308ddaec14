import type { Server } from 'node:http';
import {
  getOperationAST,
  GraphQLError,
  specifiedRules,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from '@switchyard/service-kit';
import { extractSessionToken, tokenFromConnectionParams, type FoundToken } from '../auth/session-token.js';
import type { SessionService } from '../auth/session-service.js';
import { clientIp } from '../edge/rate-limit-middleware.js';
import type { RateLimiter } from '../edge/rate-limiter.js';
import { isUpstreamError } from '../errors.js';
import { createContext, type ContextDeps } from '../graphql/context.js';
import { createDocumentCache } from '../graphql/document-cache.js';
import { admitOperation, type OperationAdmission } from '../graphql/operation-admission.js';
import { createSharedSubscribe } from '../graphql/shared-execution.js';
import {
  enforceSendBuffer,
  SLOW_CONSUMER_CLOSE_CODE,
  watchSendStalls,
  type SlowClientPolicy,
} from './send-buffer-guard.js';
import type { SessionSockets } from './session-sockets.js';
import { tracedExecute } from './traced-execute.js';

/** Close codes sent when a connection is refused after the upgrade (4xxx, graphql-ws style). */
export const WS_CLOSE = {
  unauthorized: 4401,
  forbidden: 4403,
  tooManyRequests: 4429,
  upstreamUnavailable: 4502,
  /** The client did not read fast enough (WS_MAX_BUFFERED_BYTES or WS_SEND_STALL_MS). */
  slowConsumer: SLOW_CONSUMER_CLOSE_CODE,
} as const;

export interface GraphQLWsOptions extends ContextDeps {
  server: Server;
  path: string;
  schema: GraphQLSchema;
  validationRules: ValidationRule[];
  sessions: SessionService;
  /** Open connections by session, closed with 4401 when their session is revoked. */
  sockets: SessionSockets;
  logger: Logger;
  maxQueryBytes: number;
  maxSubscriptionsPerConnection: number;
  maxBufferedBytes: number;
  /** A client whose send buffer has not emptied for this long is disconnected. */
  sendStallMs: number;
  maxConnections: number;
  connectionInitTimeoutMs: number;
  keepAliveMs: number;
  /** Whether a browser page from this origin may open a socket (same-origin pages always may). */
  originAllowed: (origin: string) => boolean;
  /** Limits connections per client address (operations are charged through `admission`). */
  rateLimit?: { perIp: RateLimiter; onLimited: (scope: 'ip' | 'session') => void };
  /** Per-operation limits with variables, and the operations/cost rate budget. */
  admission: OperationAdmission;
  metrics: {
    operationStarted(): void;
    connectionOpened(): void;
    connectionClosed(): void;
    slowClientDisconnected(): void;
  };
}

interface ConnectionState {
  token?: FoundToken;
}

function closeReason(text: string): string {
  // A close reason may hold at most 123 bytes.
  const buf = Buffer.from(text, 'utf8');
  return buf.length <= 120 ? text : `${buf.subarray(0, 117).toString('utf8')}...`;
}

function sameOrigin(origin: string, host: string | undefined): boolean {
  try {
    return !!host && new URL(origin).host.toLowerCase() === host.toLowerCase();
  } catch {
    return false;
  }
}

/** graphql-ws on the HTTP server's GraphQL path: authenticated in connection_init, with per-connection limits. */
export function attachGraphQLWs(options: GraphQLWsOptions) {
  const states = new WeakMap<WebSocket, ConnectionState>();
  const wss = new WebSocketServer({
    server: options.server,
    path: options.path,
    maxPayload: Math.max(64 * 1024, options.maxQueryBytes * 4),
    verifyClient: (info, done) => {
      const origin = info.origin || info.req.headers.origin;
      if (origin && !options.originAllowed(origin) && !sameOrigin(origin, info.req.headers.host)) {
        done(false, 403, 'Origin not allowed');
        return;
      }
      if (wss.clients.size >= options.maxConnections) {
        done(false, 503, 'Too many connections');
        return;
      }
      if (options.rateLimit && !options.rateLimit.perIp.hit(clientIp(info.req)).allowed) {
        options.rateLimit.onLimited('ip');
        done(false, 429, 'Too many requests');
        return;
      }
      done(true);
    },
  });

  wss.on('connection', (socket) => {
    options.metrics.connectionOpened();
    socket.once('close', () => options.metrics.connectionClosed());
  });
  const slowClients: SlowClientPolicy = {
    maxBufferedBytes: options.maxBufferedBytes,
    stallMs: options.sendStallMs,
    onSlow: (reason, pending) => {
      options.metrics.slowClientDisconnected();
      options.logger.warn(
        { reason, pending, limit: options.maxBufferedBytes, stallMs: options.sendStallMs },
        'disconnecting a WebSocket client that does not read fast enough',
      );
    },
  };
  const stalls = watchSendStalls(wss, slowClients);

  const rules = [...specifiedRules, ...options.validationRules];
  const prepare = createDocumentCache(options.schema, rules);
  const refuse = (socket: WebSocket, code: number, reason: string): false => {
    socket.close(code, closeReason(reason));
    return false;
  };

  const disposable = useServer(
    {
      schema: options.schema,
      subscribe: createSharedSubscribe(),
      execute: tracedExecute,
      connectionInitWaitTimeout: options.connectionInitTimeoutMs,
      onConnect: async (ctx) => {
        const socket = ctx.extra.socket;
        const token =
          tokenFromConnectionParams(ctx.connectionParams) ?? extractSessionToken(ctx.extra.request.headers);
        if (!token)
          return refuse(
            socket,
            WS_CLOSE.unauthorized,
            'Unauthorized: send { sessionToken } in connection_init',
          );
        let check;
        try {
          check = await options.sessions.validate(token.token);
        } catch (error) {
          const code = isUpstreamError(error) ? error.code : 'ENGINE_ERROR';
          options.logger.warn({ err: error }, 'cannot validate a WebSocket session');
          return refuse(socket, WS_CLOSE.upstreamUnavailable, `${code}: cannot validate the session now`);
        }
        if (!check.valid) return refuse(socket, WS_CLOSE.unauthorized, `Unauthorized: ${check.reason}`);
        options.sockets.add(check.session.tokenHash, socket);
        if (options.sessions.isRevoked(check.session.tokenHash))
          return refuse(socket, WS_CLOSE.unauthorized, 'Unauthorized: session revoked');
        states.set(socket, { token });
        return true;
      },
      onSubscribe: (ctx, _id, payload) => {
        options.metrics.operationStarted();
        if (Buffer.byteLength(payload.query ?? '', 'utf8') > options.maxQueryBytes) {
          return [
            new GraphQLError(
              `The operation is larger than ${options.maxQueryBytes} bytes (GRAPHQL_MAX_QUERY_BYTES)`,
              {
                extensions: { code: 'QUERY_TOO_LARGE' },
              },
            ),
          ];
        }
        // graphql-ws has already registered this id, so the count includes it.
        if (Object.keys(ctx.subscriptions).length > options.maxSubscriptionsPerConnection) {
          return [
            new GraphQLError(
              `At most ${options.maxSubscriptionsPerConnection} operations may run at once on one connection (WS_MAX_SUBSCRIPTIONS)`,
              { extensions: { code: 'SUBSCRIPTION_LIMIT' } },
            ),
          ];
        }
        const prepared = prepare(payload.query);
        if (prepared.errors) return prepared.errors;
        const operation = getOperationAST(prepared.document, payload.operationName);
        if (operation) {
          const token = states.get(ctx.extra.socket)?.token?.token;
          const refused = admitOperation(options.admission, prepared.document, operation, payload.variables, {
            ip: clientIp(ctx.extra.request),
            ...(token ? { token } : {}),
          });
          // The HTTP status and headers mean nothing on a socket.
          if (refused.length > 0)
            return refused.map(
              (e) => new GraphQLError(e.message, { extensions: { ...e.extensions, http: undefined } }),
            );
        }
        return {
          schema: options.schema,
          document: prepared.document,
          operationName: payload.operationName,
          variableValues: payload.variables,
        };
      },
      context: (ctx) => {
        // The session is checked again for every operation (normally a cache hit), so that a socket opened
        // before its session expired or was revoked cannot start new operations afterwards.
        const state = states.get(ctx.extra.socket) ?? {};
        return createContext(options, state.token, clientIp(ctx.extra.request));
      },
      onNext: (ctx) => {
        // Checked before every payload: a client over the limit is closed, and nothing more is queued for it.
        enforceSendBuffer(ctx.extra.socket, slowClients);
        return undefined;
      },
    },
    wss,
    options.keepAliveMs,
  );

  return {
    wss,
    /** Ends graphql-ws; the service kit closes the socket server itself, so an already closed server is fine. */
    async dispose() {
      stalls.stop();
      await Promise.resolve(disposable.dispose()).catch((error: unknown) => {
        if (!/not running/i.test((error as Error).message)) throw error;
      });
    },
  };
}
