import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { baseServiceEnv, envVar, parseEnv, type Env } from '@switchyard/service-kit';

/** The repository root (works from both src/ and dist/). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export const routerEnv = {
  ...baseServiceEnv(4000),
  SUPERGRAPH_PATH: envVar.string(resolve(repoRoot, 'supergraph.graphql')),
  SUPERGRAPH_WATCH: envVar.bool(true),
  SUBGRAPHS: envVar.list([]),
  SUBGRAPH_TIMEOUT_MS: envVar.int(30_000, 1, 600_000),
  SUBGRAPH_TIMEOUTS_MS: envVar.list([]),
  PROPAGATE_HEADERS: envVar.list(['authorization']),
  INTROSPECTION: envVar.bool(true),
  LANDING_PAGE: envVar.bool(true),
  EXPOSE_PLANS: envVar.bool(false),
  CORS_ORIGINS: envVar.list([]),
  MAX_DEPTH: envVar.int(15, 1, 1000),
  MAX_ALIASES: envVar.int(30, 0, 100_000),
  MAX_TOKENS: envVar.int(15_000, 10, 10_000_000),
  PLAN_CACHE_SIZE: envVar.int(1000, 1, 1_000_000),
  /** Router processes sharing the port (node:cluster); 1 runs in this process alone. */
  WORKERS: envVar.int(1, 1, 64),
};

export type RouterConfig = ReturnType<typeof loadRouterConfig>;

export function loadRouterConfig(env: Env = process.env) {
  return parseEnv(routerEnv, env);
}

/** Parses `SUBGRAPHS=name=url,name=url`. */
export function parseSubgraphList(entries: string[]): Array<{ name: string; url: string }> {
  return entries.map((entry) => {
    const at = entry.indexOf('=');
    const name = entry.slice(0, at).trim();
    const url = entry.slice(at + 1).trim();
    if (at <= 0 || !/^https?:\/\//.test(url)) {
      throw new Error(
        `Invalid environment variable SUBGRAPHS: expected name=http://host:port/graphql, got "${entry}"`,
      );
    }
    return { name, url };
  });
}

/** Parses `SUBGRAPH_TIMEOUTS_MS=name=ms,...` (per-subgraph overrides of SUBGRAPH_TIMEOUT_MS). */
export function parseTimeouts(entries: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const entry of entries) {
    const [name, value] = entry.split('=').map((s) => s.trim());
    const ms = Number(value);
    if (!name || !Number.isInteger(ms) || ms < 1) {
      throw new Error(
        `Invalid environment variable SUBGRAPH_TIMEOUTS_MS: expected name=milliseconds, got "${entry}"`,
      );
    }
    out[name] = ms;
  }
  return out;
}
