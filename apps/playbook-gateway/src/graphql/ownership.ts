import type { RequestAuth } from './request-auth.js';

/**
 * Owner rules on top of path permissions. `view` and `execute` on a path reach only the caller's own executions,
 * Actions and TypeInstances there; reading someone else's needs `view_all` (or `admin`), changing or cancelling
 * someone else's needs `admin`. A record without an owner (made before owners were recorded, or by the gateway's
 * own auth playbooks) belongs to nobody: only `view_all` / `admin` reach it.
 */

async function isOwner(auth: RequestAuth, createdBy: string | null | undefined): Promise<boolean> {
  const session = await auth.session();
  return !!createdBy && createdBy === session.user.user_id;
}

/** Whether the caller may read a record of `path` created by `createdBy`. */
export async function canRead(
  auth: RequestAuth,
  path: string,
  createdBy: string | null | undefined,
): Promise<boolean> {
  if (await isOwner(auth, createdBy)) return auth.can(path, 'view');
  if (await auth.can(path, 'view_all')) return true;
  return auth.can(path, 'admin');
}

/** Whether the caller may change, run, cancel or delete a record of `path` created by `createdBy`. */
export async function canChange(
  auth: RequestAuth,
  path: string,
  createdBy: string | null | undefined,
): Promise<boolean> {
  if (await isOwner(auth, createdBy)) return auth.can(path, 'execute');
  return auth.can(path, 'admin');
}

/**
 * The `created_by` filter a list needs so that the engine returns (and counts) only what the caller may see:
 * none for a caller with `view_all` or `admin` on `path` (every path when none is given), else the caller's id.
 */
export async function ownerFilter(auth: RequestAuth, path: string | undefined): Promise<string | undefined> {
  const session = await auth.session();
  const scope = path ?? '*';
  if ((await auth.can(scope, 'view_all')) || (await auth.can(scope, 'admin'))) return undefined;
  return session.user.user_id;
}
