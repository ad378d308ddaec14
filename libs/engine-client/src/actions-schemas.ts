import { z } from 'zod';
import { createdBySchema } from './created-by.js';

/**
 * Wire shapes of the engine's Actions API (`/api/actions`, `/api/typeinstances`) and of the Action status
 * messages it publishes on NATS. Field names follow the Capact Engine API (camelCase).
 */

export const ACTION_PHASES = [
  'INITIAL',
  'BEING_RENDERED',
  'ADVANCED_MODE_RENDERING_ITERATION',
  'READY_TO_RUN',
  'RUNNING',
  'BEING_CANCELED',
  'CANCELED',
  'SUCCEEDED',
  'FAILED',
] as const;
export const actionPhaseSchema = z.enum(ACTION_PHASES);
export type ActionPhase = z.infer<typeof actionPhaseSchema>;

/** Phases after which nothing changes any more (a dry run stays in READY_TO_RUN, which is not final). */
export const FINAL_ACTION_PHASES: ReadonlySet<ActionPhase> = new Set(['CANCELED', 'SUCCEEDED', 'FAILED']);

/** An Action name: also a NATS subject token, so no dots or wildcards. */
export const ACTION_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;
export const actionNameSchema = z
  .string()
  .regex(
    ACTION_NAME_PATTERN,
    'an Action name: 1-63 letters, digits, - or _ (starting with a letter or digit)',
  );

const json = z.record(z.string(), z.unknown());

export const manifestReferenceSchema = z.object({
  path: z.string().min(1),
  /** The catalog version as a string; null means the latest. */
  revision: z.string().nullable(),
});
export type ManifestReference = z.infer<typeof manifestReferenceSchema>;

export const manifestReferenceInputSchema = z
  .object({
    path: z.string().min(1),
    revision: z
      .string()
      .regex(/^[1-9][0-9]{0,8}$/, 'a catalog version number such as "2"')
      .nullish(),
  })
  .strict();

export const typeInstanceRefSchema = z.object({ name: z.string().min(1), id: z.string().min(1) }).strict();
export type TypeInstanceRef = z.infer<typeof typeInstanceRefSchema>;

export const userInfoSchema = z.object({ username: z.string().min(1), email: z.string().nullish() }).strict();
export type UserInfo = z.infer<typeof userInfoSchema>;

export const actionInputDataSchema = z.object({
  parameters: json.nullable(),
  typeInstances: z.array(typeInstanceRefSchema),
});
export type ActionInputData = z.infer<typeof actionInputDataSchema>;

export const outputTypeInstanceSchema = z.object({
  name: z.string(),
  id: z.string(),
  typeRef: manifestReferenceSchema,
});
export const actionOutputSchema = z.object({ typeInstances: z.array(outputTypeInstanceSchema) });
export type ActionOutput = z.infer<typeof actionOutputSchema>;

export const runnerStatusSchema = z.object({
  status: z.object({
    executionId: z.string(),
    executionStatus: z.string(),
  }),
});
export type RunnerStatus = z.infer<typeof runnerStatusSchema>;

export const actionStatusSchema = z.object({
  phase: actionPhaseSchema,
  timestamp: z.string(),
  message: z.string().nullable(),
  runner: runnerStatusSchema.nullable(),
  createdBy: userInfoSchema.nullable(),
  runBy: userInfoSchema.nullable(),
  canceledBy: userInfoSchema.nullable(),
});
export type ActionStatus = z.infer<typeof actionStatusSchema>;

/** A TypeInstance input that a nested playbook may take; offered in an advanced rendering iteration. */
export const inputTypeInstanceToProvideSchema = z.object({
  name: z.string(),
  typeRef: manifestReferenceSchema,
  optional: z.boolean(),
  /** The nested playbook that declares it. */
  playbookPath: z.string(),
});
export type InputTypeInstanceToProvide = z.infer<typeof inputTypeInstanceToProvideSchema>;

export const renderingAdvancedModeSchema = z.object({
  enabled: z.boolean(),
  typeInstancesForRenderingIteration: z.array(inputTypeInstanceToProvideSchema),
});
export type RenderingAdvancedMode = z.infer<typeof renderingAdvancedModeSchema>;

/** One playbook of the rendered tree: the root, or a nested `kind: playbook` step. */
export interface RenderedPlaybook {
  path: string;
  revision: string;
  /** The step of the parent that runs it (null for the root). */
  step: string | null;
  args: Record<string, unknown>;
  typeInstances: TypeInstanceRef[];
  children: RenderedPlaybook[];
}
export const renderedPlaybookSchema: z.ZodType<RenderedPlaybook> = z.lazy(() =>
  z.object({
    path: z.string(),
    revision: z.string(),
    step: z.string().nullable(),
    args: json,
    typeInstances: z.array(typeInstanceRefSchema),
    children: z.array(renderedPlaybookSchema),
  }),
);

export const actionSchema = z.object({
  name: z.string(),
  /** Distinguishes an Action from an earlier one of the same name (deleted and created again). */
  uid: z.string(),
  createdAt: z.string(),
  input: actionInputDataSchema,
  output: actionOutputSchema,
  actionRef: manifestReferenceSchema,
  run: z.boolean(),
  cancel: z.boolean(),
  dryRun: z.boolean(),
  renderedAction: renderedPlaybookSchema.nullable(),
  renderingAdvancedMode: renderingAdvancedModeSchema,
  status: actionStatusSchema,
  /** Number of phase changes so far (the seq of the latest status message). */
  statusSeq: z.number().int(),
  /** User id of the session that created it; null when unknown. */
  created_by: z.string().nullable().optional(),
});
export type Action = z.infer<typeof actionSchema>;

export const actionInputSchema = z
  .object({
    parameters: json.nullish(),
    typeInstances: z.array(typeInstanceRefSchema).nullish(),
  })
  .strict();

export const createActionRequestSchema = z
  .object({
    name: actionNameSchema,
    actionRef: manifestReferenceInputSchema,
    input: actionInputSchema.nullish(),
    dryRun: z.boolean().nullish(),
    advancedRendering: z.boolean().nullish(),
    user: userInfoSchema.nullish(),
    created_by: createdBySchema.optional(),
  })
  .strict();
export type CreateActionRequest = z.input<typeof createActionRequestSchema>;

export const updateActionRequestSchema = createActionRequestSchema.omit({ name: true, created_by: true });
export type UpdateActionRequest = z.input<typeof updateActionRequestSchema>;

export const actionUserRequestSchema = z.object({ user: userInfoSchema.nullish() }).strict();
export type ActionUserRequest = z.input<typeof actionUserRequestSchema>;

export const continueRenderingRequestSchema = z
  .object({ typeInstances: z.array(typeInstanceRefSchema).default([]) })
  .strict();
export type ContinueRenderingRequest = z.input<typeof continueRenderingRequestSchema>;

export const listActionsQuerySchema = z
  .object({
    phase: actionPhaseSchema.optional(),
    nameRegex: z.string().max(200).optional(),
    interfaceRef: z.string().optional(),
    created_by: createdBySchema.optional(),
  })
  .strict();
export type ListActionsQuery = z.input<typeof listActionsQuerySchema>;

export const listActionsResponseSchema = z.object({ actions: z.array(actionSchema) });

export const typeInstanceSchema = z.object({
  id: z.string(),
  typeRef: manifestReferenceSchema,
  value: z.unknown(),
  createdAt: z.string(),
  created_by: z.string().nullable().optional(),
});
export type TypeInstance = z.infer<typeof typeInstanceSchema>;

export const createTypeInstanceRequestSchema = z
  .object({
    typeRef: z.object({ path: z.string().min(1), revision: z.string().min(1) }).strict(),
    value: z.unknown(),
    created_by: createdBySchema.optional(),
  })
  .strict();
export type CreateTypeInstanceRequest = z.input<typeof createTypeInstanceRequestSchema>;

export const listTypeInstancesQuerySchema = z
  .object({
    path: z.string().min(1).optional(),
    revision: z.string().min(1).optional(),
    created_by: createdBySchema.optional(),
  })
  .strict();
export const listTypeInstancesResponseSchema = z.object({ typeInstances: z.array(typeInstanceSchema) });

/** The error code of every refused Action transition (HTTP 409; GraphQL `extensions.code`). */
export const INVALID_ACTION_STATE = 'INVALID_ACTION_STATE';

/** NATS: every phase change of an Action, in order, on `<prefix><name>.status`; JetStream keeps them. */
export const ACTION_STATUS_STREAM = 'PLAYBOOK_ACTIONS';
export const DEFAULT_ACTION_SUBJECT_PREFIX = 'playbooks.actions.';
export function actionStatusSubject(name: string, prefix = DEFAULT_ACTION_SUBJECT_PREFIX): string {
  return `${prefix}${name}.status`;
}
export function actionStatusWildcard(prefix = DEFAULT_ACTION_SUBJECT_PREFIX): string {
  return `${prefix}*.status`;
}

/** Payload of an Action status message: the whole Action after its `seq`-th phase change. */
export const actionStatusMessageSchema = z.object({
  uid: z.string(),
  name: z.string(),
  seq: z.number().int().min(1),
  action: actionSchema,
});
export type ActionStatusMessage = z.infer<typeof actionStatusMessageSchema>;
