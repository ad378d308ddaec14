import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDockerfile, type Stage } from './dockerfile.ts';
import { productionClosure } from './prod-closure.ts';

const root = resolve(import.meta.dirname, '../..');
const dockerfile = parseDockerfile(readFileSync(join(root, 'Dockerfile'), 'utf8'));
const stage = (name: string): Stage => {
  const found = dockerfile.stages.find((s) => s.name === name);
  if (!found) throw new Error(`no stage ${name}`);
  return found;
};
const runnableApps = readdirSync(join(root, 'apps')).filter((a) =>
  existsSync(join(root, 'apps', a, 'src/main.ts')),
);
/** Packages that are build, test or dev tools and must never be in an image. */
const DEV_ONLY = [
  'testcontainers',
  '@testcontainers/nats',
  '@testcontainers/postgresql',
  'vitest',
  'vite',
  'nx',
  'typescript',
  'tsx',
  'eslint',
  'prettier',
  'playwright-core',
  'graphiql',
  'react',
  'react-dom',
  '@apollo/gateway',
  'autocannon',
];

describe('Dockerfile', () => {
  it('builds on Node 22 LTS in every stage', () => {
    const nodeVersion = dockerfile.globals.find(
      (i) => i.keyword === 'ARG' && i.args.startsWith('NODE_VERSION='),
    );
    expect(nodeVersion?.args).toBe('NODE_VERSION=22');
    for (const s of dockerfile.stages) {
      if (s.from.startsWith('node:')) expect(s.from, s.name).toBe('node:${NODE_VERSION}-bookworm-slim');
    }
  });

  it('installs dependencies from the manifests alone, with a cache mount, before any source is copied', () => {
    for (const name of ['deps', 'prod-deps']) {
      const s = stage(name);
      const copies = s.instructions.filter((i) => i.keyword === 'COPY');
      expect(
        copies.map((c) => c.args),
        name,
      ).toEqual(['--from=manifests /manifests/ ./']);
      const ci = s.instructions.find((i) => i.keyword === 'RUN' && i.args.includes('npm ci'));
      expect(ci?.args, name).toMatch(/--mount=type=cache,target=\/root\/\.npm/);
      expect(s.instructions.indexOf(copies[0]!), name).toBeLessThan(s.instructions.indexOf(ci!));
    }
    const manifests = stage('manifests')
      .instructions.map((i) => i.args)
      .join('\n');
    expect(manifests).toContain('cp package.json package-lock.json /manifests/');
    expect(manifests).toContain('apps/*/package.json libs/*/package.json');
    const build = stage('build');
    expect(build.from).toBe('deps');
    expect(build.instructions.find((i) => i.keyword === 'COPY')?.args).toBe('. .');
  });

  it('gives each image only its app’s production closure: npm ci --omit=dev for that workspace', () => {
    const ci = stage('prod-deps').instructions.find((i) => i.keyword === 'RUN' && i.args.includes('npm ci'))!;
    expect(ci.args).toMatch(/npm ci --omit=dev .*--workspace "apps\/\$\{APP\}"/);
    const runtime = stage('runtime');
    const copies = runtime.instructions.filter((i) => i.keyword === 'COPY').map((i) => i.args);
    expect(copies).toEqual(['--from=prod-deps /repo/ ./', '--from=build /out/ ./']);
    // The build stage's /out holds built files and data only, never node_modules.
    const staging = stage('build')
      .instructions.map((i) => i.args)
      .join('\n');
    expect(staging).not.toMatch(/node_modules/);
  });

  it('has every build, test and browser tool flagged dev in package-lock.json, so --omit=dev drops it', () => {
    const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { dev?: boolean }>;
    };
    for (const name of DEV_ONLY) {
      const entries = Object.entries(lock.packages).filter(([path]) => path.endsWith(`node_modules/${name}`));
      expect(entries.length, name).toBeGreaterThan(0);
      for (const [path, entry] of entries) expect(entry.dev, path).toBe(true);
    }
  });

  it.each(runnableApps)('leaves testcontainers and dev tools out of the %s closure', (app) => {
    const closure = productionClosure(root, `apps/${app}`);
    expect(closure.size, app).toBeGreaterThan(5);
    expect(
      DEV_ONLY.filter((name) => closure.has(name)),
      app,
    ).toEqual([]);
  });

  it('runs as the non-root node user with a health check, SIGTERM and the app’s dist/main.js', () => {
    const runtime = stage('runtime');
    const keywords = runtime.instructions.map((i) => i.keyword);
    expect(runtime.instructions.find((i) => i.keyword === 'USER')?.args).toBe('node');
    expect(keywords.indexOf('USER')).toBeGreaterThan(keywords.lastIndexOf('RUN'));
    expect(runtime.instructions.find((i) => i.keyword === 'HEALTHCHECK')?.args).toMatch(
      /scripts\/healthcheck\.mjs/,
    );
    expect(runtime.instructions.find((i) => i.keyword === 'STOPSIGNAL')?.args).toBe('SIGTERM');
    expect(runtime.instructions.find((i) => i.keyword === 'CMD')?.args).toContain('apps/${APP}/dist/main.js');
    const env = runtime.instructions.find((i) => i.keyword === 'ENV')!.args;
    expect(env).toContain('NODE_ENV=production');
    expect(env).toContain('HOST=0.0.0.0');
  });

  it('gives the engine image the worker too (the engine starts local workers by default)', () => {
    const ci = stage('prod-deps').instructions.find((i) => i.keyword === 'RUN' && i.args.includes('npm ci'))!;
    expect(ci.args).toMatch(/playbook-engine.*--workspace apps\/playbook-worker/);
    const build = stage('build').instructions.find((i) => i.keyword === 'RUN' && i.args.includes('nx run'))!;
    expect(build.args).toMatch(/playbook-engine.*nx run playbook-worker:build/);
  });

  it('keeps secrets and local state out of the build context', () => {
    const ignore = readFileSync(join(root, '.dockerignore'), 'utf8').split('\n');
    for (const entry of ['.env', '**/node_modules', '**/dist', '**/.data', '.git'])
      expect(ignore).toContain(entry);
  });

  it('builds every app with a build script and a start that runs dist/main.js', () => {
    for (const app of runnableApps) {
      const pkg = JSON.parse(readFileSync(join(root, 'apps', app, 'package.json'), 'utf8')) as {
        scripts: Record<string, string>;
        nx?: { name?: string };
      };
      expect(pkg.nx?.name, app).toBe(app);
      expect(pkg.scripts.build, app).toBeDefined();
      expect(pkg.scripts.start, app).toBe('node dist/main.js');
    }
  });
});
