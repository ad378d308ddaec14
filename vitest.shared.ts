import { defaultServerConditions } from 'vite';
import { defineProject, type UserWorkspaceConfig } from 'vitest/config';

/**
 * Workspace libraries resolve to their TypeScript sources in tests (see each lib's package.json exports).
 * The `module` condition is left out: Node, not a bundler, runs the dependencies.
 */
const conditions = ['@switchyard/source', ...defaultServerConditions.filter((c) => c !== 'module')];

/** One project's Vitest settings; every project's vitest.config.ts calls this with its name. */
export function switchyardProject(name: string, overrides: UserWorkspaceConfig['test'] = {}) {
  return defineProject({
    resolve: { conditions },
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
