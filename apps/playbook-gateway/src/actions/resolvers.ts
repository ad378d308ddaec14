import type { NatsConnection } from '@nats-io/transport-node';
import {
  ACTION_NAME_PATTERN,
  type Action,
  type ActionPhase,
  type ActionsClient,
  type UserInfo,
} from '@switchyard/engine-client';
import type { GraphQLError } from 'graphql';
import type { Session } from '../auth/session-service.js';
import { cancellableIterator } from '../events/cancellable-iterator.js';
import type { GatewayContext } from '../graphql/context.js';
import { gatewayError, toGraphQLError } from '../graphql/graphql-errors.js';
import { actionError } from './action-errors.js';
import { actionPhaseChanges } from './action-status-stream.js';

export interface ActionResolverDeps {
  actions: ActionsClient;
  nats: () => NatsConnection;
  onStart: () => void;
  onEnd: () => void;
  onForward: () => void;
}

interface ManifestReferenceInput {
  path: string;
  revision?: string | null;
}
interface TypeInstanceInput {
  name: string;
  id: string;
}
interface ActionDetailsInput {
  name: string;
  input?: { parameters?: unknown; typeInstances?: TypeInstanceInput[] | null } | null;
  actionRef: ManifestReferenceInput;
  dryRun?: boolean | null;
  advancedRendering?: boolean | null;
}

type StreamItem = { value: Action } | { error: GraphQLError };

function userOf(session: Session): UserInfo {
  return { username: session.user.email ?? session.user.user_id, email: session.user.email };
}

function checkName(name: string): string {
  if (!ACTION_NAME_PATTERN.test(name))
    throw gatewayError(
      'BAD_USER_INPUT',
      `"${name}" is not an Action name: 1-63 letters, digits, - or _ (starting with a letter or digit)`,
    );
  return name;
}

function isNotFound(error: unknown): boolean {
  const e = error as { kind?: string; status?: number };
  return e?.kind === 'http' && e.status === 404;
}

function detailsBody(details: ActionDetailsInput) {
  const parameters = details.input?.parameters;
  if (
    parameters !== undefined &&
    parameters !== null &&
    (typeof parameters !== 'object' || Array.isArray(parameters))
  )
    throw gatewayError('BAD_USER_INPUT', '"input.parameters" must be a JSON object');
  return {
    actionRef: { path: details.actionRef.path, revision: details.actionRef.revision ?? null },
    input: {
      parameters: (parameters as Record<string, unknown> | null | undefined) ?? null,
      typeInstances: details.input?.typeInstances ?? [],
    },
    dryRun: details.dryRun ?? false,
    advancedRendering: details.advancedRendering ?? false,
  };
}

/** Queries, mutations and the subscription of Actions and TypeInstances. */
export function createActionResolvers(deps: ActionResolverDeps) {
  const { actions } = deps;

  /** The Action if it exists and the session may `permission` its playbook; NOT_FOUND / FORBIDDEN otherwise. */
  async function allowedAction(
    ctx: GatewayContext,
    name: string,
    permission: 'view' | 'execute',
  ): Promise<Action> {
    await ctx.auth.session();
    let action: Action;
    try {
      action = await actions.getAction(checkName(name));
    } catch (error) {
      if (isNotFound(error)) throw gatewayError('NOT_FOUND', `No Action ${name}`);
      throw actionError(error, `reading Action ${name}`);
    }
    await ctx.auth.require(action.actionRef.path, permission);
    return action;
  }

  async function call<T>(what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw actionError(error, what);
    }
  }

  return {
    Query: {
      action: async (_: unknown, args: { name: string }, ctx: GatewayContext): Promise<Action | null> => {
        await ctx.auth.session();
        if (!ACTION_NAME_PATTERN.test(args.name)) return null;
        let action: Action;
        try {
          action = await actions.getAction(args.name);
        } catch (error) {
          if (isNotFound(error)) return null;
          throw actionError(error, `reading Action ${args.name}`);
        }
        await ctx.auth.require(action.actionRef.path, 'view');
        return action;
      },

      actions: async (
        _: unknown,
        args: {
          filter?: {
            phase?: ActionPhase | null;
            nameRegex?: string | null;
            interfaceRef?: ManifestReferenceInput | null;
          } | null;
        },
        ctx: GatewayContext,
      ): Promise<Action[]> => {
        await ctx.auth.session();
        const filter = args.filter ?? {};
        const list = await call('listing Actions', () =>
          actions.listActions({
            ...(filter.phase ? { phase: filter.phase } : {}),
            ...(filter.nameRegex ? { nameRegex: filter.nameRegex } : {}),
            ...(filter.interfaceRef ? { interfaceRef: filter.interfaceRef.path } : {}),
          }),
        );
        const revision = filter.interfaceRef?.revision;
        const matching = list.actions.filter(
          (a) => !revision || a.actionRef.revision === revision || a.renderedAction?.revision === revision,
        );
        const visible = await Promise.all(matching.map((a) => ctx.auth.can(a.actionRef.path, 'view')));
        return matching.filter((_a, i) => visible[i]);
      },

      typeInstance: async (_: unknown, args: { id: string }, ctx: GatewayContext) => {
        await ctx.auth.session();
        try {
          return await actions.getTypeInstance(args.id);
        } catch (error) {
          if (isNotFound(error)) return null;
          throw toGraphQLError(error, `reading TypeInstance ${args.id}`);
        }
      },

      typeInstances: async (_: unknown, args: { typeRef: ManifestReferenceInput }, ctx: GatewayContext) => {
        await ctx.auth.session();
        const list = await call('listing TypeInstances', () =>
          actions.listTypeInstances({
            path: args.typeRef.path,
            ...(args.typeRef.revision ? { revision: args.typeRef.revision } : {}),
          }),
        );
        return list.typeInstances;
      },
    },

    Mutation: {
      createAction: async (_: unknown, args: { in: ActionDetailsInput }, ctx: GatewayContext) => {
        const name = checkName(args.in.name);
        const body = detailsBody(args.in);
        const session = await ctx.auth.require(body.actionRef.path, 'execute');
        return call(`creating Action ${name}`, () =>
          actions.createAction({ name, ...body, user: userOf(session) }),
        );
      },

      updateAction: async (_: unknown, args: { in: ActionDetailsInput }, ctx: GatewayContext) => {
        const body = detailsBody(args.in);
        const session = await ctx.auth.require(body.actionRef.path, 'execute');
        await allowedAction(ctx, args.in.name, 'execute');
        return call(`updating Action ${args.in.name}`, () =>
          actions.updateAction(args.in.name, { ...body, user: userOf(session) }),
        );
      },

      runAction: async (_: unknown, args: { name: string }, ctx: GatewayContext) => {
        await allowedAction(ctx, args.name, 'execute');
        const session = await ctx.auth.session();
        return call(`running Action ${args.name}`, () =>
          actions.runAction(args.name, { user: userOf(session) }),
        );
      },

      cancelAction: async (_: unknown, args: { name: string }, ctx: GatewayContext) => {
        await allowedAction(ctx, args.name, 'execute');
        const session = await ctx.auth.session();
        return call(`cancelling Action ${args.name}`, () =>
          actions.cancelAction(args.name, { user: userOf(session) }),
        );
      },

      deleteAction: async (_: unknown, args: { name: string }, ctx: GatewayContext) => {
        await allowedAction(ctx, args.name, 'execute');
        return call(`deleting Action ${args.name}`, () => actions.deleteAction(args.name));
      },

      continueAdvancedRendering: async (
        _: unknown,
        args: { actionName: string; in: { typeInstances?: TypeInstanceInput[] | null } },
        ctx: GatewayContext,
      ) => {
        await allowedAction(ctx, args.actionName, 'execute');
        return call(`continuing rendering of Action ${args.actionName}`, () =>
          actions.continueAdvancedRendering(args.actionName, { typeInstances: args.in.typeInstances ?? [] }),
        );
      },

      createTypeInstance: async (
        _: unknown,
        args: { in: { typeRef: ManifestReferenceInput; value?: unknown } },
        ctx: GatewayContext,
      ) => {
        await ctx.auth.session();
        const revision = args.in.typeRef.revision;
        if (!revision)
          throw gatewayError('BAD_USER_INPUT', '"typeRef.revision" is required for a new TypeInstance');
        return call('creating a TypeInstance', () =>
          actions.createTypeInstance({
            typeRef: { path: args.in.typeRef.path, revision },
            value: args.in.value ?? null,
          }),
        );
      },
    },

    Subscription: {
      actionStatus: {
        subscribe: async (_: unknown, args: { name: string }, ctx: GatewayContext) => {
          const action = await allowedAction(ctx, args.name, 'view');
          const nc = deps.nats();
          deps.onStart();
          return cancellableIterator<StreamItem>(async function* (signal) {
            try {
              for await (const value of actionPhaseChanges(nc, action, signal)) {
                deps.onForward();
                yield { value };
              }
            } catch (error) {
              if (!signal.aborted)
                yield {
                  error: gatewayError(
                    'EVENTS_UNAVAILABLE',
                    `Reading Action status changes failed: ${(error as Error).message}`,
                  ),
                };
            }
          }, deps.onEnd);
        },
        resolve: (item: StreamItem): Action => {
          if ('error' in item) throw item.error;
          return item.value;
        },
      },
    },
  };
}
