import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string; args?: Record<string, string> };
  environment?: Record<string, string>;
  ports?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }> | string[];
  volumes?: string[];
  command?: string[];
}

const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
};
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
const runnableApps = readdirSync(join(root, 'apps')).filter((app) => existsSync(join(root, 'apps', app, 'src/main.ts')));

describe('docker-compose.yml', () => {
  const services = Object.entries(compose.services);
  const built = services.filter(([, s]) => s.build);

  it('runs NATS with JetStream on a volume, with a health check', () => {
    const nats = compose.services.nats!;
    expect(nats.command).toContain('-js');
    const [volume, mountPoint] = (nats.volumes?.[0] ?? '').split(':');
    expect(nats.command?.[nats.command.indexOf('-sd') + 1]).toBe(mountPoint);
    expect(compose.volumes).toHaveProperty(volume!);
    expect(nats.healthcheck?.test.join(' ')).toContain('/healthz');
  });

  it('has a service for every app, built from the one Dockerfile with APP set', () => {
    const appsInCompose = built.map(([, s]) => s.build!.args?.APP);
    expect(appsInCompose.sort()).toEqual([...runnableApps].sort());
    for (const [, service] of built) {
      expect(service.build!.dockerfile).toBe('Dockerfile');
      expect(service.build!.context).toBe('.');
    }
  });

  it('gives every app a port that matches its PORT, a health check and 0.0.0.0', () => {
    for (const [name, service] of built) {
      const port = service.environment?.PORT ?? service.environment?.ROUTER_PORT;
      expect(port, name).toMatch(/^\d+$/);
      expect(service.ports, name).toContain(`${port}:${port}`);
      expect(service.environment?.HOST, name).toBe('0.0.0.0');
      expect(service.healthcheck?.test, name).toEqual(['CMD', 'node', 'scripts/healthcheck.mjs']);
    }
  });

  it('only depends on services that exist', () => {
    for (const [name, service] of services) {
      const deps = Array.isArray(service.depends_on) ? service.depends_on : Object.keys(service.depends_on ?? {});
      for (const dep of deps) expect(compose.services, `${name} depends on ${dep}`).toHaveProperty(dep);
    }
  });

  it('points URLs only at compose services', () => {
    for (const [name, service] of services) {
      for (const value of Object.values(service.environment ?? {})) {
        // Plain URLs, and name=url lists such as SUBGRAPHS.
        const urls = String(value)
          .split(',')
          .map((part) => part.replace(/^[\w-]+=/, ''))
          .filter((part) => /^[a-z]+:\/\//.test(part));
        for (const url of urls) {
          const host = new URL(url.replace(/\$\{[^}]*\}/g, 'x')).hostname;
          expect(compose.services, `${name}: ${url}`).toHaveProperty(host);
        }
      }
    }
  });

  it('gives the engine Postgres and NATS, and the gateway the engine and NATS', () => {
    const env = (s: string) => compose.services[s]!.environment ?? {};
    expect(new URL(env('engine').DATABASE_URL!.replace(/\$\{[^}]*\}/g, 'x')).hostname).toBe('postgres');
    expect(env('engine').NATS_URL).toBe('nats://nats:4222');
    expect(env('gateway').NOETL_BASE_URL).toBe('http://engine:8082');
    expect(env('gateway').NATS_URL).toBe('nats://nats:4222');
    expect(env('router').SUBGRAPHS).toBe('astronauts=http://astronauts:4001/graphql,missions=http://missions:4002/graphql');
  });
});

describe('Dockerfile', () => {
  it('is multi-stage with an APP build arg, a production install, a non-root user and a health check', () => {
    expect(dockerfile).toMatch(/^FROM .* AS build$/m);
    expect(dockerfile).toMatch(/^FROM .* AS runtime$/m);
    expect(dockerfile.match(/^ARG APP$/gm)).toHaveLength(2);
    expect(dockerfile).toContain('npm ci --omit=dev');
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*scripts\/healthcheck\.mjs/m);
    expect(dockerfile).toMatch(/^CMD .*apps\/\$\{APP\}\/dist\/main\.js/m);
  });

  it('copies only files that exist in the repository', () => {
    for (const file of ['package.json', 'package-lock.json', 'supergraph.graphql', 'scripts/healthcheck.mjs']) {
      expect(existsSync(join(root, file)), file).toBe(true);
    }
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
