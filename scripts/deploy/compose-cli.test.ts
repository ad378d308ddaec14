import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const SECRETS = ['POSTGRES_PASSWORD', 'NATS_TOKEN', 'CREDENTIALS_KEY', 'ENGINE_API_TOKEN'];
const dir = mkdtempSync(join(tmpdir(), 'switchyard-compose-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `docker compose` (v2 plugin) when it answers, else `docker-compose`; fails with the install command. */
function composeCommand(): string[] {
  if (spawnSync('docker', ['compose', 'version']).status === 0) return ['docker', 'compose'];
  if (spawnSync('docker-compose', ['version']).status === 0) return ['docker-compose'];
  throw new Error(
    'neither `docker compose` nor `docker-compose` is installed: apt-get install -y docker-compose',
  );
}

/** Runs `<compose> --env-file <file> -f docker-compose.yml config -q` with only `vars` as the file's content. */
function composeConfig(vars: Record<string, string>) {
  const envFile = join(dir, `${Object.keys(vars).length}.env`);
  writeFileSync(
    envFile,
    Object.entries(vars)
      .map(([k, v]) => `${k}=${v}\n`)
      .join(''),
  );
  const [bin, ...pre] = composeCommand();
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !SECRETS.includes(k)));
  return spawnSync(bin!, [...pre, '--env-file', envFile, '-f', 'docker-compose.yml', 'config', '-q'], {
    cwd: root,
    env,
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('docker compose config', () => {
  it('accepts the file once .env holds every secret', () => {
    const result = composeConfig(Object.fromEntries(SECRETS.map((s) => [s, `sample${s.length}`])));
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('refuses it while a secret is missing, naming the variable', () => {
    const result = composeConfig(
      Object.fromEntries(SECRETS.filter((s) => s !== 'CREDENTIALS_KEY').map((s) => [s, `sample${s.length}`])),
    );
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/CREDENTIALS_KEY/);
  });
});
