import { expect } from 'vitest';
import {
  postGraphQL,
  startChildApp,
  startNats,
  waitFor,
  type ChildApp,
  type GraphQLResponse,
  type TestNats,
} from '@switchyard/testing';
import { parseGatewayEnv } from '../config.js';
import { createGatewayService, type GatewayService } from '../server.js';
import { startJwksServer, type JwksServer } from './jwks-server.js';

/** The engine API token the engine and the gateway share in the e2e tests unless a test names its own. */
export const E2E_ENGINE_TOKEN = 'e2e-engine-token-0123456789abcdef';

export interface EngineStackOptions {
  /** The engine API token; `null` starts both sides without one. */
  engineToken?: string | null;
  /** Lets steps call the test's own servers on 127.0.0.1 (HTTP_TOOL_ALLOW); nothing else internal is reachable. */
  allowLocalEgress?: boolean;
  /** More engine environment (AUTH_ADMIN_EMAILS, REGISTER_EXAMPLES, ...); wins over the defaults. */
  engineEnv?: Record<string, string>;
}

export interface GatewayStackOptions extends EngineStackOptions {
  /** More gateway environment (RATE_LIMIT_ENABLED, CORS_ORIGINS, ...); wins over the defaults. */
  gatewayEnv?: Record<string, string>;
}

export interface StartedGateway {
  gateway: GatewayService;
  url: string;
}

/** Real NATS, a local JWKS and the playbook engine as a child process, with helpers to put gateways in front. */
export interface EngineStack {
  nats: TestNats;
  jwks: JwksServer;
  engine: ChildApp;
  engineToken: string | null;
  /** The engine API's authorization header (empty without an engine token). */
  engineHeaders: Record<string, string>;
  /** Starts an in-process gateway on the stack and waits until it is connected to NATS. */
  startGateway(env?: Record<string, string>): Promise<StartedGateway>;
  /** Logs in at `base` with a token signed by the JWKS for `claims`; returns the session token. */
  loginAt(base: string, claims: Record<string, unknown>): Promise<string>;
  /** Stops every gateway it started, then the engine, the JWKS and NATS. */
  stop(): Promise<void>;
}

/** An engine stack with one in-process gateway in front of it. */
export interface GatewayStack extends EngineStack {
  gateway: GatewayService;
  url: string;
  /** Logs in at the gateway for `claims`; returns the session token. */
  login(claims: Record<string, unknown>): Promise<string>;
  /** A GraphQL POST to the gateway, with the session token as bearer when given. */
  gql<T = Record<string, unknown>>(
    query: string,
    token?: string,
    variables?: Record<string, unknown>,
  ): Promise<GraphQLResponse<T>>;
}

export async function startEngineStack(options: EngineStackOptions = {}): Promise<EngineStack> {
  const engineToken = options.engineToken === undefined ? E2E_ENGINE_TOKEN : options.engineToken;
  const tokenEnv: Record<string, string> = engineToken === null ? {} : { ENGINE_API_TOKEN: engineToken };
  const gateways: GatewayService[] = [];
  let nats: TestNats | undefined;
  let jwks: JwksServer | undefined;
  let engine: ChildApp | undefined;

  const stop = async () => {
    for (const gateway of gateways.splice(0)) await gateway.shutdown();
    await engine?.stop();
    await jwks?.close();
    await nats?.stop();
  };

  try {
    nats = await startNats();
    jwks = await startJwksServer();
    engine = await startChildApp({
      app: 'playbook-engine',
      env: {
        NATS_URL: nats.url,
        ...tokenEnv,
        ...(options.allowLocalEgress ? { HTTP_TOOL_ALLOW: '127.0.0.1' } : {}),
        ENGINE_DATA_DIR: ':memory:',
        AUTH_ISSUER: jwks.issuer,
        AUTH_AUDIENCE: jwks.audience,
        AUTH_JWKS_URL: jwks.url,
        AUTH_DEV_ISSUER: 'false',
        ...options.engineEnv,
      },
      timeoutMs: 120_000,
    });
  } catch (error) {
    await stop();
    throw error;
  }

  const started = { nats, jwks, engine };
  const stack: EngineStack = {
    ...started,
    engineToken,
    engineHeaders: engineToken === null ? {} : { authorization: `Bearer ${engineToken}` },
    async startGateway(env = {}) {
      const gateway = await createGatewayService(
        parseGatewayEnv({
          PORT: '0',
          HOST: '127.0.0.1',
          LOG_LEVEL: 'silent',
          NATS_URL: started.nats.url,
          NOETL_BASE_URL: started.engine.url,
          ...tokenEnv,
          ...env,
        }),
      );
      gateways.push(gateway);
      const { url } = await gateway.listen();
      await waitFor('gateway connected to NATS', async () => gateway.nats.connected);
      return { gateway, url };
    },
    async loginAt(base, claims) {
      const res = await fetch(`${base}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ auth0_token: await started.jwks.sign(claims) }),
      });
      expect(res.status).toBe(200);
      return ((await res.json()) as { session_token: string }).session_token;
    },
    stop,
  };
  return stack;
}

export async function startGatewayStack(options: GatewayStackOptions = {}): Promise<GatewayStack> {
  const stack = await startEngineStack(options);
  try {
    const { gateway, url } = await stack.startGateway(options.gatewayEnv);
    return {
      ...stack,
      gateway,
      url,
      login: (claims) => stack.loginAt(url, claims),
      gql: <T = Record<string, unknown>>(
        query: string,
        token?: string,
        variables?: Record<string, unknown>,
      ) =>
        postGraphQL<T>(`${url}/graphql`, query, variables, token ? { authorization: `Bearer ${token}` } : {}),
    };
  } catch (error) {
    await stack.stop();
    throw error;
  }
}
