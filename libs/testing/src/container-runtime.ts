import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

let decision: Promise<boolean> | undefined;

/**
 * Whether tests should start servers with testcontainers. `SWITCHYARD_TEST_RUNTIME=local` forces local
 * binaries, `=containers` forces containers; by default a container runtime is used when one answers.
 */
export function useContainers(): Promise<boolean> {
  decision ??= decide();
  return decision;
}

async function decide(): Promise<boolean> {
  const mode = process.env.SWITCHYARD_TEST_RUNTIME ?? 'auto';
  if (mode === 'local') return false;
  if (mode === 'containers') return true;
  const hints = [
    process.env.DOCKER_HOST,
    process.env.TESTCONTAINERS_HOST_OVERRIDE,
    existsSync('/var/run/docker.sock') ? 'sock' : undefined,
    existsSync(join(homedir(), '.docker/run/docker.sock')) ? 'sock' : undefined,
    existsSync(join(homedir(), '.testcontainers.properties')) ? 'props' : undefined,
  ];
  if (!hints.some(Boolean)) return false;
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await Promise.race([
      getContainerRuntimeClient(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 10_000).unref()),
    ]);
    return true;
  } catch {
    return false;
  }
}
