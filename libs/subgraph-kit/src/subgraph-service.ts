import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { expressMiddleware } from '@as-integrations/express5';
import { buildSubgraphSchema } from '@apollo/subgraph';
import {
  createService,
  fetchMetadataGuard,
  legacyJsonStatusPlugin,
  type Logger,
  type Service,
} from '@switchyard/service-kit';
import type { DocumentNode } from 'graphql';

/** The resolver map accepted by `buildSubgraphSchema` (including `__resolveReference`). */
export type SubgraphResolvers = NonNullable<
  Exclude<Extract<Parameters<typeof buildSubgraphSchema>[0], unknown[]>[number], DocumentNode>['resolvers']
>;

/** Where and how a subgraph runs: everything but its schema. */
export interface SubgraphRuntimeOptions {
  port: number;
  host: string;
  logger?: Logger;
  bodyLimit?: string;
  shutdownTimeoutMs?: number;
  introspection?: boolean;
  landingPage?: boolean;
  /** Origins allowed by CORS (`*` for any); empty = no CORS headers. */
  corsOrigins?: readonly string[];
}

export interface SubgraphServiceOptions extends SubgraphRuntimeOptions {
  name: string;
  typeDefs: DocumentNode;
  resolvers: SubgraphResolvers;
}

export interface SubgraphService {
  service: Service;
  apollo: ApolloServer;
}

/**
 * An Apollo Federation subgraph at `/graphql` (POST and GET; GET without a query shows the landing page),
 * with `/` redirecting there, on top of the service kit's health, readiness, metrics and shutdown.
 */
export async function createSubgraphService(options: SubgraphServiceOptions): Promise<SubgraphService> {
  const service = createService({
    name: options.name,
    port: options.port,
    host: options.host,
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.bodyLimit ? { bodyLimit: options.bodyLimit } : {}),
    ...(options.shutdownTimeoutMs !== undefined ? { shutdownTimeoutMs: options.shutdownTimeoutMs } : {}),
    cors: { origins: options.corsOrigins ?? [] },
  });
  const apollo = new ApolloServer({
    schema: buildSubgraphSchema({ typeDefs: options.typeDefs, resolvers: options.resolvers }),
    introspection: options.introspection ?? true,
    logger: service.logger,
    includeStacktraceInErrorResponses: false,
    // Cross-site browser requests are refused by fetchMetadataGuard below, so plain GET queries work for every
    // other client (GraphQL over HTTP); Apollo's header-based prevention would refuse them.
    csrfPrevention: false,
    plugins: [
      legacyJsonStatusPlugin(),
      options.landingPage === false
        ? ApolloServerPluginLandingPageDisabled()
        : ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false }),
    ],
  });
  await apollo.start();
  let stopped = false;
  service.addReadinessCheck('graphql', () => {
    if (stopped) throw new Error('GraphQL server stopped');
  });
  service.onShutdown(async () => {
    stopped = true;
    await apollo.stop();
  });
  service.app.get('/', (_req, res) => res.redirect(302, '/graphql'));
  service.app.use('/graphql', fetchMetadataGuard(), expressMiddleware(apollo));
  return { service, apollo };
}
