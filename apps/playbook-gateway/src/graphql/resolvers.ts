import {
  EXECUTION_ID_PATTERN,
  executionEventsOf,
  type EngineClient,
  type ExecutionDetail,
} from '@switchyard/engine-client';
import { isTerminalStatus, type ExecutionEvent, type ExecutionStatus } from '@switchyard/execution-events';
import { validatePlaybookText } from '@switchyard/playbook-dsl';
import { GraphQLError } from 'graphql';
import { createExecutionPaths, type ExecutionPaths } from './execution-paths.js';
import { createJSONScalar } from './json-scalar.js';
import type { GatewayContext } from './context.js';
import { gatewayError, toGraphQLError } from './graphql-errors.js';
import { canChange, canRead, ownerFilter } from './ownership.js';
import {
  textOutput,
  viewFromDetail,
  viewFromRun,
  viewFromSummary,
  type ExecutionView,
} from './execution-view.js';
import {
  createExecutionReader,
  executionEventStream,
  executionStatusStream,
  type StreamItem,
  type SubscriptionDeps,
} from './subscriptions.js';

/** `metadata.name` and `metadata.description` of a parsed playbook (NoETL's catalog `payload`). */
function playbookMetadata(payload: Record<string, unknown> | null | undefined): {
  name: string | null;
  description: string | null;
} {
  const metadata = (payload?.metadata ?? {}) as { name?: unknown; description?: unknown };
  return {
    name: typeof metadata.name === 'string' ? metadata.name : null,
    description: typeof metadata.description === 'string' ? metadata.description : null,
  };
}

export interface ResolverDeps extends Omit<SubscriptionDeps, 'readExecution'> {
  engine: EngineClient;
  /** Deepest nesting of a JSON input (GRAPHQL_MAX_JSON_DEPTH). */
  maxJsonDepth?: number;
}

const MAX_PAGE = 100;

export function encodeCursor(offset: number): string {
  return Buffer.from(`offset:${offset}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | null | undefined): number {
  if (cursor === null || cursor === undefined) return 0;
  const match = /^offset:(\d{1,9})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw gatewayError('BAD_USER_INPUT', `"after" is not a cursor from this API: ${cursor}`);
  return Number(match[1]);
}

function checkExecutionId(id: string): string {
  if (!EXECUTION_ID_PATTERN.test(id))
    throw gatewayError('BAD_USER_INPUT', `"${id}" is not an execution id (letters, digits, - or _)`);
  return id;
}

/**
 * Whether the session may read the execution. Someone else's run on a path the caller may view is answered as
 * if it did not exist (false); a path the caller may not view at all is FORBIDDEN, as before owners.
 */
async function readable(ctx: GatewayContext, detail: ExecutionDetail): Promise<boolean> {
  if (await canRead(ctx.auth, detail.path, detail.created_by)) return true;
  await ctx.auth.require(detail.path, 'view');
  return false;
}

/** Loads an execution the session may view: NOT_FOUND / FORBIDDEN otherwise. */
async function viewableExecution(ctx: GatewayContext, id: string): Promise<ExecutionDetail> {
  await ctx.auth.session();
  const detail = await ctx.loaders.execution.load(checkExecutionId(id));
  if (!detail || !(await readable(ctx, detail))) throw gatewayError('NOT_FOUND', `No execution ${id}`);
  return detail;
}

/**
 * Checks that the session may view an execution, for a subscription: the same rules as {@link viewableExecution},
 * on the shared path-and-owner read (see ExecutionPaths).
 */
async function requireViewable(ctx: GatewayContext, paths: ExecutionPaths, id: string): Promise<void> {
  await ctx.auth.session();
  let owned;
  try {
    owned = await paths.ownershipOf(checkExecutionId(id));
  } catch (error) {
    throw toGraphQLError(error, `reading execution ${id}`);
  }
  if (!owned) throw gatewayError('NOT_FOUND', `No execution ${id}`);
  if (await canRead(ctx.auth, owned.path, owned.created_by)) return;
  await ctx.auth.require(owned.path, 'view');
  throw gatewayError('NOT_FOUND', `No execution ${id}`);
}

/** Cancelling a finished execution: a conflict that names the status it finished with. */
function alreadyFinished(id: string, status: string): GraphQLError {
  return new GraphQLError(
    `Execution ${id} has already finished with status ${status}; it cannot be cancelled`,
    {
      extensions: { code: 'EXECUTION_FINISHED', status },
    },
  );
}

function unwrap<T>(item: StreamItem<T>): T {
  if ('error' in item) throw item.error;
  return item.value;
}

export function createResolvers(resolverDeps: ResolverDeps) {
  const { engine } = resolverDeps;
  const deps: SubscriptionDeps = { ...resolverDeps, readExecution: createExecutionReader(engine) };
  const paths = createExecutionPaths(engine);
  return {
    JSON: createJSONScalar(resolverDeps.maxJsonDepth),
    Query: {
      health: () => 'ok',

      execution: async (
        _: unknown,
        args: { id: string },
        ctx: GatewayContext,
      ): Promise<ExecutionView | null> => {
        await ctx.auth.session();
        const detail = await ctx.loaders.execution.load(args.id);
        if (!detail || !(await readable(ctx, detail))) return null;
        return viewFromDetail(detail);
      },

      executions: async (
        _: unknown,
        args: {
          status?: ExecutionStatus | null;
          path?: string | null;
          first?: number | null;
          after?: string | null;
        },
        ctx: GatewayContext,
      ) => {
        await ctx.auth.session();
        const first = args.first ?? 20;
        if (first < 1 || first > MAX_PAGE)
          throw gatewayError('BAD_USER_INPUT', `"first" must be from 1 to ${MAX_PAGE}`);
        const offset = decodeCursor(args.after);
        const createdBy = await ownerFilter(ctx.auth, args.path ?? undefined);
        let page;
        try {
          page = await engine.listExecutions({
            ...(args.status ? { status: args.status } : {}),
            ...(args.path ? { path: args.path } : {}),
            ...(createdBy ? { created_by: createdBy } : {}),
            limit: first,
            offset,
          });
        } catch (error) {
          throw toGraphQLError(error, 'listing executions');
        }
        const visible = await Promise.all(page.executions.map((e) => ctx.auth.can(e.path, 'view')));
        const edges = page.executions
          .map((summary, i) => ({ summary, i }))
          .filter(({ i }) => visible[i])
          .map(({ summary, i }) => ({
            cursor: encodeCursor(offset + i + 1),
            node: viewFromSummary(summary),
          }));
        const nextOffset = offset + page.executions.length;
        return {
          edges,
          nodes: edges.map((e) => e.node),
          pageInfo: {
            hasNextPage: nextOffset < page.total,
            endCursor: page.executions.length ? encodeCursor(nextOffset) : (args.after ?? null),
          },
          totalCount: page.total,
        };
      },

      playbooks: async (_: unknown, __: unknown, ctx: GatewayContext) => {
        await ctx.auth.session();
        let list;
        try {
          list = await engine.listCatalog({});
        } catch (error) {
          throw toGraphQLError(error, 'listing playbooks');
        }
        // A NoETL server lists every version: keep the latest of each path.
        const latest = new Map<string, (typeof list.entries)[number]>();
        for (const e of list.entries) {
          const seen = latest.get(e.path);
          if (!seen || seen.version < e.version) latest.set(e.path, e);
        }
        const entries = [...latest.values()].sort((a, b) => a.path.localeCompare(b.path));
        const visible = await Promise.all(entries.map((e) => ctx.auth.can(e.path, 'view')));
        return entries
          .filter((_e, i) => visible[i])
          .map((e) => ({
            path: e.path,
            name: e.name ?? playbookMetadata(e.payload).name,
            description: e.description ?? playbookMetadata(e.payload).description,
            version: e.version,
            catalogId: e.catalog_id,
            createdAt: e.created_at ?? new Date(0).toISOString(),
          }));
      },
    },

    Mutation: {
      executePlaybook: async (
        _: unknown,
        args: { name: string; variables?: unknown },
        ctx: GatewayContext,
      ): Promise<ExecutionView> => {
        const name = args.name.trim();
        if (!name) throw gatewayError('BAD_USER_INPUT', '"name" (the playbook path) must not be empty');
        const variables = args.variables ?? undefined;
        if (variables !== undefined && (typeof variables !== 'object' || Array.isArray(variables))) {
          throw gatewayError('BAD_USER_INPUT', '"variables" must be a JSON object');
        }
        const session = await ctx.auth.require(name, 'execute');
        try {
          const run = await engine.runPlaybook({
            path: name,
            created_by: session.user.user_id,
            ...(variables ? { args: variables as Record<string, unknown> } : {}),
          });
          return viewFromRun({ ...run, path: run.path ?? name });
        } catch (error) {
          throw toGraphQLError(error, `executing ${name}`);
        }
      },

      registerPlaybook: async (_: unknown, args: { content: string }, ctx: GatewayContext) => {
        const checked = validatePlaybookText(args.content);
        if (!checked.ok) {
          throw gatewayError(
            'BAD_USER_INPUT',
            `the playbook is invalid: ${checked.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
            { problems: checked.problems },
          );
        }
        const path = checked.playbook.metadata.path;
        await ctx.auth.require(path, 'register');
        try {
          const entry = await engine.registerPlaybook(args.content);
          return {
            path: entry.path,
            name: entry.name ?? checked.playbook.metadata.name ?? null,
            description: entry.description ?? checked.playbook.metadata.description ?? null,
            version: entry.version,
            catalogId: entry.catalog_id,
            createdAt: entry.created_at ?? new Date().toISOString(),
          };
        } catch (error) {
          throw toGraphQLError(error, `registering ${path}`);
        }
      },

      cancelExecution: async (
        _: unknown,
        args: { id: string; reason?: string | null },
        ctx: GatewayContext,
      ): Promise<ExecutionView> => {
        const detail = await viewableExecution(ctx, args.id);
        if (!(await canChange(ctx.auth, detail.path, detail.created_by)))
          throw gatewayError(
            'FORBIDDEN',
            `Not allowed to cancel ${args.id}: cancelling one's own runs needs execute on ${detail.path}, someone else's needs admin`,
          );
        const before = (detail.status ?? '').toUpperCase() as ExecutionStatus;
        if (isTerminalStatus(before)) throw alreadyFinished(args.id, before);
        let after: ExecutionDetail;
        try {
          await engine.cancelExecution(args.id, {
            ...(args.reason ? { reason: args.reason } : {}),
            cascade: true,
          });
          ctx.loaders.execution.clear(args.id);
          after = await engine.getExecution(args.id);
        } catch (error) {
          throw toGraphQLError(error, `cancelling ${args.id}`);
        }
        // It finished on its own between the check and the cancel.
        const now = (after.status ?? '').toUpperCase() as ExecutionStatus;
        if (now !== 'CANCELLED' && isTerminalStatus(now)) throw alreadyFinished(args.id, now);
        return viewFromDetail(after);
      },
    },

    Subscription: {
      executionEvents: {
        subscribe: async (
          _: unknown,
          args: { executionId: string; fromSeq?: number | null },
          ctx: GatewayContext,
        ) => {
          const fromSeq = args.fromSeq ?? 1;
          if (fromSeq < 1) throw gatewayError('BAD_USER_INPUT', '"fromSeq" must be 1 or more');
          await requireViewable(ctx, paths, args.executionId);
          try {
            return executionEventStream(deps, args.executionId, fromSeq);
          } catch (error) {
            throw toGraphQLError(error, 'subscribing to execution events');
          }
        },
        resolve: (item: StreamItem<ExecutionEvent>) => unwrap(item),
      },
      executionStatus: {
        subscribe: async (_: unknown, args: { executionId: string }, ctx: GatewayContext) => {
          await requireViewable(ctx, paths, args.executionId);
          let detail;
          try {
            detail = await paths.detail(args.executionId);
          } catch (error) {
            throw toGraphQLError(error, `reading execution ${args.executionId}`);
          }
          if (!detail) throw gatewayError('NOT_FOUND', `No execution ${args.executionId}`);
          try {
            return executionStatusStream(deps, viewFromDetail(detail));
          } catch (error) {
            throw toGraphQLError(error, 'subscribing to execution status');
          }
        },
        resolve: (item: StreamItem<ExecutionView>) => unwrap(item),
      },
    },

    Execution: {
      textOutput: (view: ExecutionView) => textOutput(view),
      events: async (view: ExecutionView, _: unknown, ctx: GatewayContext): Promise<ExecutionEvent[]> => {
        if (view.events) return view.events;
        const detail = await ctx.loaders.execution.load(view.id);
        return detail ? executionEventsOf(detail) : [];
      },
    },
  };
}
