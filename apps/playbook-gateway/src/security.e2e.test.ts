import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor, type ChildApp } from '@switchyard/testing';
import { startGatewayStack, type GatewayStack } from './test-fixtures/stack.js';

/**
 * The session takeover of an ordinary user, tried through the gateway as it was reported: user B runs the shipped
 * `examples/http_case` with a URL that points back at the engine's executions of the login playbook, hoping to read
 * user A's session token. The engine API needs its token, steps may not call internal addresses, and what the
 * engine stores holds no session token, so B gets an egress error and nothing of A's.
 */

let stack: GatewayStack;
let engine: ChildApp;

beforeAll(async () => {
  stack = await startGatewayStack({
    engineToken: 'security-e2e-engine-token-0123456789',
    // The default egress policy: no HTTP_TOOL_ALLOW.
    engineEnv: { HTTP_TOOL_ALLOW: '' },
    gatewayEnv: { RATE_LIMIT_ENABLED: 'false' },
  });
  engine = stack.engine;
}, 180_000);

afterAll(async () => {
  await stack?.stop();
});

const login = (sub: string, email: string) => stack.login({ sub, email, name: sub });

const gql = <T>(query: string, token: string, variables?: Record<string, unknown>) =>
  stack.gql<T>(query, token, variables);

describe('session takeover through a shipped example', () => {
  it('user B cannot read user A session token through examples/http_case', async () => {
    const a = await login('user-a', 'a@example.com');
    const b = await login('user-b', 'b@example.com');
    const targets = [
      `${engine.url}/api/executions?path=api_integration/auth0/auth0_login&limit=100`,
      `http://localhost:${engine.port}/api/executions?limit=100`,
      'http://169.254.169.254/latest/meta-data/',
    ];
    for (const target of targets) {
      const run = await gql<{ executePlaybook: { id: string } }>(
        'mutation Run($v: JSON) { executePlaybook(name: "examples/http_case", variables: $v) { id } }',
        b,
        { v: { url: target } },
      );
      expect(run.errors).toBeUndefined();
      const id = run.data!.executePlaybook.id;
      let seen: { status: string; error: string | null; textOutput: string | null } | undefined;
      await waitFor(
        'the run to end',
        async () => {
          const res = await gql<{ execution: typeof seen }>(
            `{ execution(id: "${id}") { status error textOutput } }`,
            b,
          );
          seen = res.data?.execution ?? undefined;
          return seen !== undefined && ['COMPLETED', 'FAILED', 'CANCELLED'].includes(seen.status);
        },
        { timeoutMs: 60_000 },
      );
      expect(seen!.status).toBe('FAILED');
      expect(seen!.error).toMatch(/EGRESS_DENIED|refused|not allowed|denied/i);
      const everything = await gql(
        `{ execution(id: "${id}") { id status error textOutput events { result error } } }`,
        b,
      );
      expect(JSON.stringify(everything)).not.toContain(a);
    }
    // The engine API itself refuses a caller without the engine token.
    expect((await fetch(`${engine.url}/api/executions?limit=100`)).status).toBe(401);
    // With the token (the gateway's), what the engine stores of logins holds no session token.
    const stored = await fetch(
      `${engine.url}/api/executions?path=api_integration/auth0/auth0_login&limit=100`,
      {
        headers: stack.engineHeaders,
      },
    );
    const list = (await stored.json()) as Array<{ execution_id: string }>;
    expect(list.length).toBeGreaterThanOrEqual(2);
    for (const e of list) {
      const detail = await fetch(`${engine.url}/api/executions/${e.execution_id}`, {
        headers: stack.engineHeaders,
      });
      const text = await detail.text();
      expect(text).not.toContain(a);
      expect(text).not.toContain(b);
    }
    // A's session still works for A and is not B's.
    const me = await gql<{ health: string }>('{ health }', a);
    expect(me.data?.health).toBe('ok');
  }, 120_000);

  it('registering a playbook needs the register permission, which the default role lacks', async () => {
    const b = await login('user-c', 'c@example.com');
    const res = await gql('mutation R($c: String!) { registerPlaybook(content: $c) { path version } }', b, {
      c: 'apiVersion: noetl.io/v2\nkind: Playbook\nmetadata: { name: x, path: examples/evil }\nworkflow:\n  - step: start\n',
    });
    expect((res.errors?.[0]?.extensions as { code?: string } | undefined)?.code).toBe('FORBIDDEN');
  });
});
