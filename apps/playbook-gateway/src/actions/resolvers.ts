import type { NatsConnection } from '@nats-io/transport-node';
import {
  ACTION_NAME_PATTERN,
  type Action,
  type ActionPhase,
  type ActionsClient,
  type TypeInstance,
  type UserInfo,
} from '@switchyard/engine-client';
import type { GraphQLError } from 'graphql';
import type { Session } from '../auth/session-service.js';
import { cancellableIterator } from '../events/cancellable-iterator.js';
import type { GatewayContext } from '../graphql/context.js';
import { gatewayError, toGraphQLError } from '../graphql/graphql-errors.js';
import { canChange, canRead, ownerFilter } from '../graphql/ownership.js';
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

  /**
   * Whether the session may read the Action: someone else's Action on a path the caller may view is answered
   * as if it did not exist (false); a path the caller may not view at all is FORBIDDEN.
   */
  async function readable(ctx: GatewayContext, action: Action): Promise<boolean> {
    if (await canRead(ctx.auth, action.actionRef.path, action.created_by)) return true;
    await ctx.auth.require(action.actionRef.path, 'view');
    return false;
  }

  /**
   * The Action if it exists and the session may read it (`view`) or change it (`execute`: one's own with execute
   * on its path, anyone's with admin); NOT_FOUND / FORBIDDEN otherwise.
   */
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
    if (!(await readable(ctx, action))) throw gatewayError('NOT_FOUND', `No Action ${name}`);
    if (permission === 'execute' && !(await canChange(ctx.auth, action.actionRef.path, action.created_by))) {
      throw gatewayError(
        'FORBIDDEN',
        `Not allowed to change Action ${name}: one's own Actions need execute on ${action.actionRef.path}, someone else's need admin`,
      );
    }
    return action;
  }

  /** Whether the session may read the TypeInstance: its own, or anyone's with view_all / admin on its type path. */
  async function readableTypeInstance(ctx: GatewayContext, instance: TypeInstance): Promise<boolean> {
    return canRead(ctx.auth, instance.typeRef.path, instance.created_by);
  }

  /** An Action may take as input only TypeInstances its creator may read: NOT_FOUND for any other. */
  async function checkInputInstances(ctx: GatewayContext, refs: TypeInstanceInput[]): Promise<void> {
    for (const ref of refs) {
      let instance: TypeInstance;
      try {
        instance = await actions.getTypeInstance(ref.id);
      } catch (error) {
        if (isNotFound(error)) continue; // the engine reports unknown ids itself
        throw toGraphQLError(error, `reading TypeInstance ${ref.id}`);
      }
      if (!(await readableTypeInstance(ctx, instance)))
        throw gatewayError('NOT_FOUND', `No TypeInstance ${ref.id}`);
    }
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
        return (await readable(ctx, action)) ? action : null;
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
        const createdBy = await ownerFilter(ctx.auth, filter.interfaceRef?.path);
        const list = await call('listing Actions', () =>
          actions.listActions({
            ...(createdBy ? { created_by: createdBy } : {}),
            ...(filter.phase ? { phase: filter.phase } : {}),
            ...(filter.nameRegex ? { nameRegex: filter.nameRegex } : {}),
            ...(filter.interfaceRef ? { interfaceRef: filter.interfaceRef.path } : {}),
          }),
        );
        const revision = filter.interfaceRef?.revision;
        const matching = list.actions.filter(
          (a) => !revision || a.actionRef.revision === revision || a.renderedAction?.revision === revision,
        );
        const visible = await Promise.all(
          matching.map((a) => canRead(ctx.auth, a.actionRef.path, a.created_by)),
        );
        return matching.filter((_a, i) => visible[i]);
      },

      typeInstance: async (_: unknown, args: { id: string }, ctx: GatewayContext) => {
        await ctx.auth.session();
        let instance: TypeInstance;
        try {
          instance = await actions.getTypeInstance(args.id);
        } catch (error) {
          if (isNotFound(error)) return null;
          throw toGraphQLError(error, `reading TypeInstance ${args.id}`);
        }
        return (await readableTypeInstance(ctx, instance)) ? instance : null;
      },

      typeInstances: async (_: unknown, args: { typeRef: ManifestReferenceInput }, ctx: GatewayContext) => {
        await ctx.auth.session();
        const createdBy = await ownerFilter(ctx.auth, args.typeRef.path);
        const list = await call('listing TypeInstances', () =>
          actions.listTypeInstances({
            path: args.typeRef.path,
            ...(args.typeRef.revision ? { revision: args.typeRef.revision } : {}),
            ...(createdBy ? { created_by: createdBy } : {}),
          }),
        );
        const visible = await Promise.all(list.typeInstances.map((t) => readableTypeInstance(ctx, t)));
        return list.typeInstances.filter((_t, i) => visible[i]);
      },
    },

    Mutation: {
      createAction: async (_: unknown, args: { in: ActionDetailsInput }, ctx: GatewayContext) => {
        const name = checkName(args.in.name);
        const body = detailsBody(args.in);
        const session = await ctx.auth.require(body.actionRef.path, 'execute');
        await checkInputInstances(ctx, body.input.typeInstances);
        return call(`creating Action ${name}`, () =>
          actions.createAction({ name, ...body, user: userOf(session), created_by: session.user.user_id }),
        );
      },

      updateAction: async (_: unknown, args: { in: ActionDetailsInput }, ctx: GatewayContext) => {
        const body = detailsBody(args.in);
        const session = await ctx.auth.require(body.actionRef.path, 'execute');
        await allowedAction(ctx, args.in.name, 'execute');
        await checkInputInstances(ctx, body.input.typeInstances);
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
        await checkInputInstances(ctx, args.in.typeInstances ?? []);
        return call(`continuing rendering of Action ${args.actionName}`, () =>
          actions.continueAdvancedRendering(args.actionName, { typeInstances: args.in.typeInstances ?? [] }),
        );
      },

      createTypeInstance: async (
        _: unknown,
        args: { in: { typeRef: ManifestReferenceInput; value?: unknown } },
        ctx: GatewayContext,
      ) => {
        const session = await ctx.auth.session();
        const revision = args.in.typeRef.revision;
        if (!revision)
          throw gatewayError('BAD_USER_INPUT', '"typeRef.revision" is required for a new TypeInstance');
        return call('creating a TypeInstance', () =>
          actions.createTypeInstance({
            typeRef: { path: args.in.typeRef.path, revision },
            value: args.in.value ?? null,
            created_by: session.user.user_id,
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
