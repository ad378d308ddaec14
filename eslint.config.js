// @ts-check
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** The repository root: this file's folder (ESLint also runs from a project folder, e.g. through Nx). */
const root = fileURLToPath(new URL('.', import.meta.url));

/** Workspace folders under `dir` that hold a package.json, e.g. ['federation-router', ...]. */
const workspaces = (dir) =>
  existsSync(`${root}${dir}`)
    ? readdirSync(`${root}${dir}`, { withFileTypes: true })
        .filter((d) => d.isDirectory() && existsSync(`${root}${dir}/${d.name}/package.json`))
        .map((d) => d.name)
    : [];
const apps = workspaces('apps');

/**
 * Module boundaries: libs never import apps; apps never import each other; a lib or app reaches another
 * workspace only through its package name (no relative paths into another workspace's folder).
 */
const boundaries = (message, forbidden) => ({
  'no-restricted-imports': [
    'error',
    {
      patterns: [
        ...(forbidden.length > 0 ? [{ group: forbidden, message }] : []),
        {
          group: ['**/../apps/**', '**/../libs/**', '../../*/src/**', '../../*/dist/**'],
          message:
            'Import another workspace through its package name (@switchyard/<name>), not a relative path.',
        },
      ],
    },
  ],
});

export default tseslint.config(
  {
    ignores: ['**/dist/**', '**/node_modules/**', '**/.data/**', '**/coverage/**', '.nx/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        Buffer: 'readonly',
        fetch: 'readonly',
        AbortSignal: 'readonly',
        AbortController: 'readonly',
        performance: 'readonly',
        structuredClone: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
        queueMicrotask: 'readonly',
        setImmediate: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['libs/**/*.{ts,js,mjs}'],
    rules: boundaries(
      'Libraries never import apps: move the code into a lib.',
      apps.flatMap((app) => [`@switchyard/${app}`, `@switchyard/${app}/*`]),
    ),
  },
  ...apps.map((app) => ({
    files: [`apps/${app}/**/*.{ts,js,mjs}`],
    rules: boundaries(
      'Apps never import each other: share the code through a lib.',
      apps
        .filter((other) => other !== app)
        .flatMap((other) => [`@switchyard/${other}`, `@switchyard/${other}/*`]),
    ),
  })),
);
