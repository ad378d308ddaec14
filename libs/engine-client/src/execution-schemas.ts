import { z } from 'zod';
import { executionStatusSchema } from '@switchyard/execution-events';
import { catalogIdInputSchema, versionInputSchema } from './catalog-schemas.js';
import { createdBySchema } from './created-by.js';

/**
 * Execution shapes of NoETL 2.5 (`noetl/server/api/{run,execution}/schema.py`, `noetl/server/api/v2.py`), with
 * our fields as additive, optional ones: a client written for NoETL reads them unchanged, and our clients use
 * the extras only when present.
 */

const jsonObject = z.record(z.string(), z.unknown());

/** What the engine accepts as an execution id. */
export const EXECUTION_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const executionId = z.string().regex(EXECUTION_ID_PATTERN, 'an execution id (letters, digits, - or _)');
/** NoETL ids may be sent as numbers. */
const executionIdInput = z
  .union([executionId, z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)])
  .transform(String)
  .pipe(executionId);

export const executionParamsSchema = z.object({ execution_id: executionId });

/** `POST /api/run/{resource_type}`: NoETL's `ExecutionRequest`. */
export const runPlaybookRequestSchema = z
  .object({
    catalog_id: catalogIdInputSchema.nullish(),
    path: z.string().min(1).max(512).nullish(),
    version: versionInputSchema.nullish(),
    args: jsonObject.nullish(),
    /** NoETL's older name of `args`. */
    parameters: jsonObject.nullish(),
    /** Accepted and ignored, as NoETL 2.5 ignores it. */
    merge: z.boolean().optional(),
    context: z
      .object({
        parent_execution_id: executionIdInput.nullish(),
        parent_event_id: z.union([z.string(), z.number()]).nullish(),
        parent_step: z.string().nullish(),
      })
      .nullish(),
    parent_execution_id: executionIdInput.nullish(),
    parent_event_id: z.union([z.string(), z.number()]).nullish(),
    parent_step: z.string().nullish(),
    metadata: jsonObject.nullish(),
    /** Ours: the user id of the session that starts it (the gateway sends it). */
    created_by: createdBySchema.optional(),
  })
  .refine((v) => Boolean(v.path) || Boolean(v.catalog_id), {
    message: 'At least one identifier must be provided: catalog_id or path',
  });
export type RunPlaybookRequest = z.input<typeof runPlaybookRequestSchema>;

export const runResourceParamsSchema = z.object({ resource_type: z.literal('playbook') });

/** NoETL's `ExecutionResponse`; `engine_status` and `parent_execution_id` are ours. */
export const runPlaybookResponseSchema = z.object({
  execution_id: z.string(),
  catalog_id: z.string().nullish(),
  path: z.string().nullish(),
  name: z.string().nullish(),
  version: z.string().nullish(),
  type: z.string().default('playbook'),
  status: z.string(),
  timestamp: z.string().nullish(),
  start_time: z.string().nullish(),
  end_time: z.string().nullish(),
  progress: z.number().int().nullish(),
  result: z.unknown().optional(),
  error: z.string().nullish(),
  parent_execution_id: z.string().nullish(),
  engine_status: executionStatusSchema.optional(),
});
export type RunPlaybookResponse = z.infer<typeof runPlaybookResponseSchema>;

/** `POST /api/execute`: NoETL's v2 `ExecuteRequest` (NoETL's CLI also sends `version`, honoured here). */
export const executeRequestSchema = z
  .object({
    path: z.string().min(1).max(512).nullish(),
    catalog_id: catalogIdInputSchema.nullish(),
    version: versionInputSchema.nullish(),
    payload: jsonObject.default({}),
    parent_execution_id: executionIdInput.nullish(),
    /** Ours: the user id of the session that starts it (the gateway sends it). */
    created_by: createdBySchema.optional(),
  })
  .refine((v) => Boolean(v.path) || Boolean(v.catalog_id), {
    message: "Either 'path' or 'catalog_id' must be provided",
  });
export type ExecuteRequest = z.input<typeof executeRequestSchema>;

export const executeResponseSchema = z.object({
  execution_id: z.string(),
  status: z.string(),
  commands_generated: z.number().int(),
  path: z.string().optional(),
  version: z.number().int().optional(),
  catalog_id: z.string().optional(),
  parent_execution_id: z.string().nullish(),
  engine_status: executionStatusSchema.optional(),
});
export type ExecuteResponse = z.infer<typeof executeResponseSchema>;

/** `POST /api/run/sync` (ours; NoETL has no such route). Stored events hold redactions; this answer does not. */
export const runSyncRequestSchema = z
  .object({
    path: z.string().min(1).max(512),
    args: jsonObject.optional(),
    timeout_ms: z.number().int().min(1).max(120_000).optional(),
  })
  .strict();
export type RunSyncRequest = z.infer<typeof runSyncRequestSchema>;

export const runSyncResponseSchema = z.object({
  execution_id: executionId,
  status: z.enum(['COMPLETED', 'FAILED', 'CANCELLED', 'RUNNING']),
  result: z.unknown().optional(),
  error: z.string().nullable().optional(),
});
export type RunSyncResponse = z.infer<typeof runSyncResponseSchema>;

/** One entry of `GET /api/executions` (NoETL's `ExecutionEntryResponse`) plus our summary fields. */
export const executionSummarySchema = z.object({
  execution_id: z.string(),
  catalog_id: z.string(),
  path: z.string(),
  version: z.number().int(),
  status: z.string(),
  start_time: z.string(),
  end_time: z.string().nullish(),
  progress: z.number().int(),
  result: z.unknown().optional(),
  error: z.string().nullish(),
  parent_execution_id: z.string().nullish(),
  args: jsonObject.optional(),
  last_seq: z.number().int().optional(),
  created_at: z.string().optional(),
  started_at: z.string().nullish(),
  ended_at: z.string().nullish(),
  /** User id of the session that started it (children take their parent's); null when unknown. */
  created_by: z.string().nullish(),
});
export type ExecutionSummary = z.infer<typeof executionSummarySchema>;

export const listExecutionsQuerySchema = z.object({
  status: executionStatusSchema.optional(),
  path: z.string().min(1).optional(),
  parent_execution_id: executionId.optional(),
  created_by: createdBySchema.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});
export type ListExecutionsQuery = z.input<typeof listExecutionsQuerySchema>;

/** NoETL answers a bare list; the total is in the `x-total-count` header (ours). */
export const listExecutionsResponseSchema = z.array(executionSummarySchema);

/**
 * One event of `GET /api/executions/{id}` as NoETL answers it (a row of its event table), plus our event fields
 * (`eventId`, `seq`, `type`, `step`, `timestamp`, ...) as additive ones.
 */
export const executionLogEventSchema = z.looseObject({
  event_id: z.string(),
  execution_id: z.string(),
  event_type: z.string(),
  node_id: z.string().nullish(),
  node_name: z.string().nullish(),
  status: z.string().nullish(),
  created_at: z.string().nullish(),
  timestamp: z.string().nullish(),
  context: jsonObject.nullish(),
  result: z.unknown().optional(),
  error: z.string().nullish(),
  catalog_id: z.string().nullish(),
  parent_execution_id: z.string().nullish(),
  parent_event_id: z.string().nullish(),
  duration: z.number().nullish(),
});
export type ExecutionLogEvent = z.infer<typeof executionLogEventSchema>;

export const executionDetailSchema = z.object({
  execution_id: z.string(),
  path: z.string(),
  status: z.string().nullish(),
  start_time: z.string().nullish(),
  end_time: z.string().nullish(),
  parent_execution_id: z.string().nullish(),
  events: z.array(executionLogEventSchema),
  catalog_id: z.string().optional(),
  version: z.number().int().optional(),
  result: z.unknown().optional(),
  error: z.string().nullish(),
  last_seq: z.number().int().optional(),
  args: jsonObject.optional(),
  created_at: z.string().optional(),
  started_at: z.string().nullish(),
  ended_at: z.string().nullish(),
  created_by: z.string().nullish(),
});
export type ExecutionDetail = z.infer<typeof executionDetailSchema>;

/** Several executions with their events in one request (`POST /api/executions/batch`, ours). */
export const executionBatchRequestSchema = z
  .object({ ids: z.array(z.string().regex(EXECUTION_ID_PATTERN, 'an execution id')).min(1).max(100) })
  .strict();
export type ExecutionBatchRequest = z.infer<typeof executionBatchRequestSchema>;
export const executionBatchResponseSchema = z.object({ executions: z.array(executionDetailSchema) });
export type ExecutionBatchResponse = z.infer<typeof executionBatchResponseSchema>;

/** `GET /api/executions/{id}/status`: NoETL's engine state, plus our status fields. */
export const executionStatusResponseSchema = z.object({
  execution_id: z.string(),
  current_step: z.string().nullable(),
  completed_steps: z.array(z.string()),
  failed: z.boolean(),
  completed: z.boolean(),
  variables: jsonObject,
  status: executionStatusSchema.optional(),
  last_seq: z.number().int().optional(),
  result: z.unknown().optional(),
  error: z.string().nullish(),
});
export type ExecutionStatusResponse = z.infer<typeof executionStatusResponseSchema>;

export const executionEventsQuerySchema = z
  .object({ from_seq: z.coerce.number().int().min(1).default(1) })
  .strict();

export const cancelRequestSchema = z.object({
  reason: z.string().max(1000).nullish(),
  cascade: z.boolean().default(true),
});
export type CancelRequest = z.input<typeof cancelRequestSchema>;

export const cancelResponseSchema = z.object({
  status: z.string(),
  execution_id: z.string(),
  cancelled_executions: z.array(z.string()),
  message: z.string(),
  execution_status: executionStatusSchema.optional(),
});
export type CancelResponse = z.infer<typeof cancelResponseSchema>;

export const cancellationCheckResponseSchema = z.object({
  execution_id: z.string(),
  status: z.string().nullable(),
  event_type: z.string().nullable(),
  cancelled: z.boolean(),
  completed: z.boolean(),
  failed: z.boolean(),
});
export type CancellationCheckResponse = z.infer<typeof cancellationCheckResponseSchema>;

export const finalizeRequestSchema = z.object({
  reason: z.string().max(1000).default('Abandoned or timed out'),
});
export type FinalizeRequest = z.input<typeof finalizeRequestSchema>;

export const finalizeResponseSchema = z.object({
  status: z.enum(['finalized', 'already_completed', 'not_found']),
  execution_id: z.string(),
  message: z.string(),
});
export type FinalizeResponse = z.infer<typeof finalizeResponseSchema>;
