import { createRequire } from 'node:module';
import { defaultServerConditions } from 'vite';
import { defineProject, type UserWorkspaceConfig } from 'vitest/config';

/**
 * Workspace libraries resolve to their TypeScript sources in tests (see each lib's package.json exports).
 * The `module` condition is left out: Node, not a bundler, runs the dependencies.
 */
const conditions = ['@switchyard/source', ...defaultServerConditions.filter((c) => c !== 'module')];

/**
 * graphql has no exports map, so Vite would pick its ESM build for our sources while Apollo Server,
 * @apollo/subgraph and graphql-ws `require()` the CommonJS one: two graphql instances that reject each
 * other's schemas. Pointing our imports at the build Node resolves keeps one instance, as in production.
 */
const require = createRequire(import.meta.url);
const graphqlAlias = { find: /^graphql$/, replacement: require.resolve('graphql') };

/** One project's Vitest settings; every project's vitest.config.ts calls this with its name. */
export function switchyardProject(name: string, overrides: UserWorkspaceConfig['test'] = {}) {
  return defineProject({
    resolve: { conditions, alias: [graphqlAlias] },
    ssr: { resolve: { conditions } },
    test: {
      name,
      environment: 'node',
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: 30_000,
      hookTimeout: 60_000,
      ...overrides,
    },
  });
}
