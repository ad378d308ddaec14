import { readFileSync } from 'node:fs';
import { join } from 'node:path';

interface LockPackage {
  name?: string;
  version?: string;
  link?: boolean;
  resolved?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

/**
 * The package names `npm ci --omit=dev --workspace <workspace>` installs, computed from package-lock.json:
 * the workspace's dependencies, followed through workspace links and every package's dependencies,
 * optional dependencies and required peers, resolved the way Node looks up node_modules. npm never omits a
 * workspace, so a workspace named in another workspace's devDependencies (libs/testing) comes along with its
 * own dependencies: that is why libs/testing keeps testcontainers in devDependencies.
 */
export function productionClosure(root: string, workspace: string): Set<string> {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockPackage>;
  };
  const packages = lock.packages;
  const names = new Set<string>();
  const seen = new Set<string>();

  const resolve = (from: string, name: string): string | undefined => {
    for (let dir = from; ;) {
      const candidate = dir ? `${dir}/node_modules/${name}` : `node_modules/${name}`;
      if (packages[candidate]) return candidate;
      if (!dir) return undefined;
      const cut = dir.lastIndexOf('/node_modules/');
      dir = cut >= 0 ? dir.slice(0, cut) : '';
    }
  };

  const visit = (path: string) => {
    if (seen.has(path)) return;
    seen.add(path);
    const entry = packages[path];
    if (!entry) return;
    if (entry.link && entry.resolved) {
      visit(entry.resolved);
      return;
    }
    const required = {
      ...entry.dependencies,
      ...entry.optionalDependencies,
      ...Object.fromEntries(
        Object.entries(entry.peerDependencies ?? {}).filter(
          ([n]) => !entry.peerDependenciesMeta?.[n]?.optional,
        ),
      ),
    };
    const isWorkspace = !path.includes('node_modules/');
    const linkedDev = Object.keys(entry.devDependencies ?? {}).filter(
      (dep) => isWorkspace && packages[resolve(path, dep) ?? '']?.link,
    );
    for (const dep of [...Object.keys(required), ...linkedDev]) {
      const target = resolve(path, dep);
      if (!target) continue;
      names.add(dep);
      visit(target);
    }
  };
  visit(workspace);
  return names;
}
