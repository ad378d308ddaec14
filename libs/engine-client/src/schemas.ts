import { z } from 'zod';
import { executionEventSchema, executionStatusSchema } from '@switchyard/execution-events';
import { createdBySchema as createdBy } from './created-by.js';

/** Request and response shapes of the engine REST API (NoETL's snake_case names). */

const jsonObject = z.record(z.string(), z.unknown());
const executionId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'an execution id (letters, digits, - or _)');

export const runPlaybookRequestSchema = z
  .object({
    path: z.string().min(1).max(512),
    args: jsonObject.optional(),
    version: z.number().int().min(1).optional(),
    parent_execution_id: executionId.optional(),
    created_by: createdBy.optional(),
  })
  .strict();
export type RunPlaybookRequest = z.infer<typeof runPlaybookRequestSchema>;

/**
 * `POST /api/run/sync` (ours; NoETL has no such route): runs a playbook in the engine process that receives the
 * request and answers when it ends, with its result as computed. Stored events and results hold redactions of
 * secrets (session tokens); this answer, to the holder of the engine token, is the one place they are in clear.
 */
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

export const executeRequestSchema = z
  .object({
    path: z.string().min(1).max(512).optional(),
    catalog_id: z.union([z.string().regex(/^\d+$/), z.number().int().min(1)]).optional(),
    version: z.number().int().min(1).optional(),
    payload: jsonObject.optional(),
    parent_execution_id: executionId.optional(),
    created_by: createdBy.optional(),
  })
  .strict()
  .refine((v) => v.path !== undefined || v.catalog_id !== undefined, {
    message: 'either path or catalog_id is required',
    path: ['path'],
  });
export type ExecuteRequest = z.infer<typeof executeRequestSchema>;

export const runPlaybookResponseSchema = z.object({
  execution_id: z.string(),
  status: executionStatusSchema,
  path: z.string(),
  version: z.number().int(),
  catalog_id: z.string(),
  parent_execution_id: z.string().nullable(),
});
export type RunPlaybookResponse = z.infer<typeof runPlaybookResponseSchema>;

export const executionSummarySchema = z.object({
  execution_id: z.string(),
  path: z.string(),
  version: z.number().int(),
  catalog_id: z.string(),
  status: executionStatusSchema,
  parent_execution_id: z.string().nullable(),
  args: jsonObject,
  result: z.unknown().nullable(),
  error: z.string().nullable(),
  last_seq: z.number().int(),
  created_at: z.string(),
  started_at: z.string().nullable(),
  ended_at: z.string().nullable(),
  /** User id of the session that started it (children take their parent's); null when unknown. */
  created_by: z.string().nullable().optional(),
});
export type ExecutionSummary = z.infer<typeof executionSummarySchema>;

export const executionDetailSchema = executionSummarySchema.extend({
  events: z.array(executionEventSchema),
});
export type ExecutionDetail = z.infer<typeof executionDetailSchema>;

/** What the engine accepts as an execution id. */
export const EXECUTION_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Several executions with their events in one request (`POST /api/executions/batch`). */
export const executionBatchRequestSchema = z
  .object({
    ids: z
      .array(z.string().regex(EXECUTION_ID_PATTERN, 'an execution id'))
      .min(1)
      .max(100),
  })
  .strict();
export type ExecutionBatchRequest = z.infer<typeof executionBatchRequestSchema>;

/** The executions found, in the order asked for; unknown ids are left out. */
export const executionBatchResponseSchema = z.object({ executions: z.array(executionDetailSchema) });
export type ExecutionBatchResponse = z.infer<typeof executionBatchResponseSchema>;

export const executionStatusResponseSchema = z.object({
  execution_id: z.string(),
  status: executionStatusSchema,
  completed: z.boolean(),
  last_seq: z.number().int(),
  result: z.unknown().nullable(),
  error: z.string().nullable(),
});
export type ExecutionStatusResponse = z.infer<typeof executionStatusResponseSchema>;

export const listExecutionsQuerySchema = z
  .object({
    status: executionStatusSchema.optional(),
    path: z.string().min(1).optional(),
    parent_execution_id: executionId.optional(),
    created_by: createdBy.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    offset: z.coerce.number().int().min(0).default(0),
  })
  .strict();
export type ListExecutionsQuery = z.input<typeof listExecutionsQuerySchema>;

export const listExecutionsResponseSchema = z.object({
  executions: z.array(executionSummarySchema),
  total: z.number().int(),
  limit: z.number().int(),
  offset: z.number().int(),
});
export type ListExecutionsResponse = z.infer<typeof listExecutionsResponseSchema>;

export const executionEventsQuerySchema = z
  .object({ from_seq: z.coerce.number().int().min(1).default(1) })
  .strict();

export const executionEventsResponseSchema = z.object({
  execution_id: z.string(),
  events: z.array(executionEventSchema),
});
export type ExecutionEventsResponse = z.infer<typeof executionEventsResponseSchema>;

export const cancelRequestSchema = z
  .object({
    reason: z.string().max(1000).optional(),
    cascade: z.boolean().default(true),
  })
  .strict();
export type CancelRequest = z.input<typeof cancelRequestSchema>;

export const cancelResponseSchema = z.object({
  execution_id: z.string(),
  status: executionStatusSchema,
  cancelled_execution_ids: z.array(z.string()),
  message: z.string(),
});
export type CancelResponse = z.infer<typeof cancelResponseSchema>;

export const registerCatalogRequestSchema = z
  .object({
    content: z.string().min(1),
    resource_type: z.enum(['Playbook', 'playbook']).default('Playbook'),
  })
  .strict();
export type RegisterCatalogRequest = z.input<typeof registerCatalogRequestSchema>;

export const catalogEntrySchema = z.object({
  catalog_id: z.string(),
  path: z.string(),
  version: z.number().int(),
  kind: z.string(),
  name: z.string().nullable(),
  description: z.string().nullable(),
  created_at: z.string(),
});
export type CatalogEntry = z.infer<typeof catalogEntrySchema>;

export const registerCatalogResponseSchema = catalogEntrySchema.extend({
  status: z.literal('success'),
  message: z.string(),
});
export type RegisterCatalogResponse = z.infer<typeof registerCatalogResponseSchema>;

export const listCatalogRequestSchema = z
  .object({
    resource_type: z.enum(['Playbook', 'playbook']).optional(),
    path: z.string().optional(),
    all_versions: z.boolean().default(false),
  })
  .strict();
export type ListCatalogRequest = z.input<typeof listCatalogRequestSchema>;

export const listCatalogResponseSchema = z.object({ entries: z.array(catalogEntrySchema) });
export type ListCatalogResponse = z.infer<typeof listCatalogResponseSchema>;

export const catalogResourceRequestSchema = z
  .object({
    path: z.string().min(1).optional(),
    version: z.number().int().min(1).optional(),
    catalog_id: z.union([z.string().regex(/^\d+$/), z.number().int().min(1)]).optional(),
  })
  .strict()
  .refine((v) => v.path !== undefined || v.catalog_id !== undefined, {
    message: 'either path or catalog_id is required',
    path: ['path'],
  });
export type CatalogResourceRequest = z.input<typeof catalogResourceRequestSchema>;

export const catalogResourceResponseSchema = catalogEntrySchema.extend({
  content: z.string(),
  payload: jsonObject,
});
export type CatalogResourceResponse = z.infer<typeof catalogResourceResponseSchema>;

export const credentialRequestSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_.-]{1,128}$/, 'a name of letters, digits, _ . -'),
    type: z.string().min(1).max(64).default('generic'),
    description: z.string().max(1000).optional(),
    data: jsonObject,
  })
  .strict();
export type CredentialRequest = z.input<typeof credentialRequestSchema>;

export const credentialSchema = z.object({
  name: z.string(),
  type: z.string(),
  description: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type Credential = z.infer<typeof credentialSchema>;

export const listCredentialsResponseSchema = z.object({ credentials: z.array(credentialSchema) });

export const healthResponseSchema = z.object({
  status: z.literal('ok'),
  service: z.string(),
  nats: z.enum(['connected', 'disconnected', 'disabled']),
  storage: z.enum(['postgres', 'pglite']),
  unpublished_events: z.number().int(),
});
export type EngineHealth = z.infer<typeof healthResponseSchema>;

export const problemSchema = z.object({ path: z.string(), message: z.string() });
export type Problem = z.infer<typeof problemSchema>;

export const errorResponseSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});
export type EngineErrorBody = z.infer<typeof errorResponseSchema>;

export const devTokenRequestSchema = z
  .object({
    sub: z.string().min(1).max(256),
    email: z.string().max(320).optional(),
    name: z.string().max(256).optional(),
    expires_in_seconds: z
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 3600)
      .default(3600),
  })
  .strict();
export type DevTokenRequest = z.input<typeof devTokenRequestSchema>;
export const devTokenResponseSchema = z.object({
  token: z.string(),
  issuer: z.string(),
  audience: z.string(),
});
