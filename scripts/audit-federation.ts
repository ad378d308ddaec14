/**
 * Runs the federation-gateway-audit against the router: one in-process router (the real HTTP service) takes
 * each suite's supergraph in turn. Usage: `npm run audit:federation -- [path-to-audit] [--verbose] [--suite id]`
 * (`--apollo` scores Apollo Gateway on the same suites instead, for comparison).
 * Prints each suite's score and a last line `N/T`; exits 1 when a test fails.
 */
import { deepStrictEqual } from 'node:assert';
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { printPlan } from '@switchyard/federation';
import { loadRouterConfig } from '../apps/federation-router/src/config.js';
import { createRouterService } from '../apps/federation-router/src/server.js';

interface AuditTest {
  query: string;
  expected: { data?: unknown; errors?: boolean };
}

interface Outcome {
  suite: string;
  index: number;
  passed: boolean;
  detail?: string;
}

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

interface Args {
  auditPath: string;
  verbose: boolean;
  suites: string[];
  /** Run the suites through Apollo Gateway instead (a reference, to compare scores). */
  apollo: boolean;
}

/** The checkout of the audit is named on the command line (or FEDERATION_AUDIT_PATH); the runner assumes none. */
function parseArgs(argv: string[]): Args {
  let auditPath = process.env.FEDERATION_AUDIT_PATH ? resolve(process.env.FEDERATION_AUDIT_PATH) : '';
  let verbose = false;
  let apollo = false;
  const suites: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--verbose' || arg === '-v') verbose = true;
    else if (arg === '--apollo') apollo = true;
    else if (arg === '--suite') suites.push(argv[++i] ?? '');
    else auditPath = resolve(process.cwd(), arg);
  }
  if (!auditPath) {
    console.error(
      'usage: npm run audit:federation -- <path of a federation-gateway-audit checkout> [--suite id] [--verbose] [--apollo]',
    );
    process.exit(2);
  }
  return { auditPath, verbose, suites, apollo };
}

/**
 * The audit folder is read-only and has no dependencies installed: its sources are copied to a temporary
 * directory whose `node_modules` is this repository's, so its imports resolve to our installed packages.
 */
function stageAudit(auditPath: string): string {
  const staged = mkdtempSync(join(tmpdir(), 'federation-audit-'));
  cpSync(join(auditPath, 'src'), join(staged, 'src'), { recursive: true });
  writeFileSync(join(staged, 'package.json'), JSON.stringify({ type: 'module', private: true }));
  symlinkSync(join(repoRoot, 'node_modules'), join(staged, 'node_modules'), 'dir');
  return staged;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolveListen(typeof address === 'object' && address ? address.port : 0);
    });
  });
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

async function postQuery(url: string, query: string): Promise<{ data?: unknown; errors?: unknown[] }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { accept: 'application/json', 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
    signal: AbortSignal.timeout(10_000),
  });
  return (await response.json()) as { data?: unknown; errors?: unknown[] };
}

/** The audit's own comparison: `data` deep-equal, and `errors` presence only where the test states it. */
function compare(test: AuditTest, response: { data?: unknown; errors?: unknown[] }): string | undefined {
  const errorsOptional = typeof test.expected.errors !== 'boolean';
  const received = {
    data: response.data ?? null,
    errors: errorsOptional ? null : (response.errors?.length ?? 0) > 0,
  };
  const expected = {
    data: test.expected.data ?? null,
    errors: errorsOptional ? null : (test.expected.errors ?? false),
  };
  try {
    deepStrictEqual(received, expected);
    return undefined;
  } catch {
    return [
      `expected ${JSON.stringify(expected)}`,
      `received ${JSON.stringify(received)}`,
      `errors   ${JSON.stringify(response.errors ?? [])}`,
    ].join('\n');
  }
}

/** Apollo Gateway over the same supergraph, in-process (a test oracle, never the router under test). */
type Ask = (query: string) => Promise<{ data?: unknown; errors?: unknown[] }>;

async function apolloReference(supergraphSdl: string): Promise<{ ask: Ask; close: () => Promise<void> }> {
  process.env.METADATA_SERVER_DETECTION = 'none';
  const { ApolloGateway } = await import('@apollo/gateway');
  const { ApolloServer } = await import('@apollo/server');
  const server = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl }) });
  await server.start();
  const ask: Ask = async (query) => {
    const response = await server.executeOperation({ query });
    if (response.body.kind !== 'single') throw new Error('unexpected incremental response');
    // As over HTTP: plain JSON objects (the executor builds objects without prototypes).
    return JSON.parse(JSON.stringify(response.body.singleResult)) as { data?: unknown; errors?: unknown[] };
  };
  return { ask, close: () => server.stop() };
}

async function main(): Promise<number> {
  const { auditPath, verbose, suites: only, apollo } = parseArgs(process.argv.slice(2));
  if (!existsSync(join(auditPath, 'src', 'index.ts'))) {
    console.error(`audit:federation: no federation-gateway-audit at ${auditPath}`);
    return 2;
  }
  // The audit's server uses Promise.withResolvers (Node 22+).
  const promises = Promise as unknown as { withResolvers?: () => unknown };
  promises.withResolvers ??= () => {
    let resolveFn: unknown;
    let rejectFn: unknown;
    const promise = new Promise((res, rej) => {
      resolveFn = res;
      rejectFn = rej;
    });
    return { promise, resolve: resolveFn, reject: rejectFn };
  };

  const staged = stageAudit(auditPath);
  const audit = (await import(pathToFileURL(join(staged, 'src', 'index.ts')).href)) as {
    createRouter: () => Parameters<typeof createServer>[1];
  };
  const subgraphServer = createServer(audit.createRouter());
  const auditPort = await listen(subgraphServer);
  const auditUrl = `http://127.0.0.1:${auditPort}`;
  const ids = (await getJson<string[]>(`${auditUrl}/ids`)).filter(
    (id) => only.length === 0 || only.includes(id),
  );

  const supergraphPath = join(staged, 'supergraph.graphql');
  writeFileSync(supergraphPath, await (await fetch(`${auditUrl}/${ids[0]}/supergraph`)).text());
  const config = loadRouterConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    SUPERGRAPH_PATH: supergraphPath,
    SUPERGRAPH_WATCH: 'false',
    LANDING_PAGE: 'false',
    SUBGRAPH_TIMEOUT_MS: '10000',
  });
  const router = await createRouterService(config);
  const address = await router.listen();
  const graphqlUrl = `${address.url}/graphql`;

  const outcomes: Outcome[] = [];
  try {
    for (const id of ids) {
      const sdl = await (await fetch(`${auditUrl}/${id}/supergraph`)).text();
      writeFileSync(supergraphPath, sdl);
      await router.source.reload(supergraphPath);
      const tests = await getJson<AuditTest[]>(`${auditUrl}/${id}/tests`);
      const reference = apollo ? await apolloReference(sdl) : undefined;
      const ask: Ask = reference?.ask ?? ((query) => postQuery(graphqlUrl, query));
      let passed = 0;
      const failed: number[] = [];
      for (const [index, test] of tests.entries()) {
        let detail: string | undefined;
        try {
          detail = compare(test, await ask(test.query));
        } catch (error) {
          detail = `request failed: ${(error as Error).message}`;
        }
        outcomes.push({ suite: id, index, passed: !detail, detail });
        if (detail) failed.push(index);
        else passed++;
        if (detail && verbose) {
          let plan: string;
          try {
            plan = printPlan(router.source.gateway.planFor(test.query));
          } catch (error) {
            plan = `(no plan: ${(error as Error).message})`;
          }
          console.log(`--- ${id} #${index}\n${test.query.trim()}\n${detail}\n${plan}`);
        }
      }
      await reference?.close();
      const mark = passed === tests.length ? 'ok  ' : 'FAIL';
      const failures = failed.length > 0 ? `  failing: ${failed.join(', ')}` : '';
      console.log(`${mark} ${id.padEnd(40)} ${passed}/${tests.length}${failures}`);
    }
  } finally {
    await router.shutdown('audit finished');
    await new Promise<void>((done) => {
      subgraphServer.closeAllConnections();
      subgraphServer.close(() => done());
    });
    rmSync(staged, { recursive: true, force: true });
  }
  const passed = outcomes.filter((o) => o.passed).length;
  console.log(`${passed}/${outcomes.length}`);
  return passed === outcomes.length && outcomes.length > 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(2);
  },
);
