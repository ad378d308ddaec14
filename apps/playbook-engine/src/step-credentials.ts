import type { ResolvedCredential } from '@switchyard/playbook-runtime';
import type { CredentialStore } from './storage/credential-store.js';

function target(url: string): string | undefined {
  try {
    const u = new URL(url);
    return `${u.hostname.toLowerCase()}:${u.port || '5432'}/${decodeURIComponent(u.pathname.slice(1)) || 'postgres'}`;
  } catch {
    return undefined;
  }
}

function credentialTarget(data: Record<string, unknown>): string | undefined {
  const direct = data.connection_string ?? data.url ?? data.dsn;
  if (typeof direct === 'string') return target(direct);
  const host = String(data.host ?? '127.0.0.1').toLowerCase();
  const port = String(data.port ?? 5432);
  const database = String(data.database ?? data.dbname ?? 'postgres');
  return `${host}:${port}/${database}`;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

function sameDatabase(a: string, b: string): boolean {
  if (a === b) return true;
  const [hostA, restA] = [a.slice(0, a.indexOf(':')), a.slice(a.indexOf(':'))];
  const [hostB, restB] = [b.slice(0, b.indexOf(':')), b.slice(b.indexOf(':'))];
  return restA === restB && LOOPBACK.has(hostA) && LOOPBACK.has(hostB);
}

/**
 * The credential a step names, for the worker that runs the step. A credential that points at the engine's own
 * database is refused: no step runs on the control plane's tables.
 */
export async function resolveStepCredential(
  credentials: CredentialStore,
  name: string,
  ownDatabaseUrl: string | undefined,
): Promise<ResolvedCredential> {
  const secret = await credentials.secret(name);
  if (ownDatabaseUrl) {
    const own = target(ownDatabaseUrl);
    const wanted = credentialTarget(secret.data);
    if (own && wanted && sameDatabase(own, wanted)) {
      throw new Error(`credential "${name}" points at the engine's own database; steps may not use it`);
    }
  }
  return { name, type: secret.type, data: secret.data };
}
