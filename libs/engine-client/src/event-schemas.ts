import { z } from 'zod';
import { executionEventSchema } from '@switchyard/execution-events';

/** Event routes of NoETL 2.5: `POST /api/events` (`v2.py`) and `GET /api/event/{event_id}` (broker schema). */

const jsonObject = z.record(z.string(), z.unknown());
const idInput = z
  .union([z.string().regex(/^[A-Za-z0-9_-]{1,64}$/), z.number().int().min(0)])
  .transform(String);

/** NoETL's worker event (`EventRequest`). Here it is recorded in the log; it never drives a step. */
export const postEventRequestSchema = z.object({
  execution_id: idInput,
  step: z.string().min(1).max(256),
  name: z.string().min(1).max(128),
  payload: jsonObject.default({}),
  meta: jsonObject.nullish(),
  worker_id: z.string().max(256).nullish(),
  result_kind: z.enum(['data', 'ref', 'refs']).default('data'),
  result_uri: z.string().max(2048).nullish(),
  event_ids: z.array(z.number().int()).max(10_000).nullish(),
  actionable: z.boolean().default(true),
  informative: z.boolean().default(true),
});
export type PostEventRequest = z.input<typeof postEventRequestSchema>;

export const postEventResponseSchema = z.object({
  status: z.string(),
  event_id: z.number().int(),
  commands_generated: z.number().int(),
});
export type PostEventResponse = z.infer<typeof postEventResponseSchema>;

export const eventParamsSchema = z.object({
  event_id: z.string().regex(/^\d{1,19}$/, 'an event id (digits)'),
});

/** NoETL's `EventResponse`; `result`, `error` and `seq` are ours. */
export const eventResponseSchema = z.object({
  event_id: z.string(),
  execution_id: z.string(),
  catalog_id: z.string().nullish(),
  parent_event_id: z.string().nullish(),
  parent_execution_id: z.string().nullish(),
  event_type: z.string(),
  node_id: z.string().nullish(),
  node_name: z.string().nullish(),
  node_type: z.string().nullish(),
  status: z.string().nullish(),
  context: jsonObject.nullish(),
  meta: jsonObject.nullish(),
  created_at: z.string(),
  result: z.unknown().optional(),
  error: z.string().nullish(),
  seq: z.number().int().optional(),
});
export type EventResponse = z.infer<typeof eventResponseSchema>;

/** `GET /api/executions/{id}/events` (ours): the execution's events as published on NATS, from a seq. */
export const executionEventsResponseSchema = z.object({
  execution_id: z.string(),
  events: z.array(executionEventSchema),
});
export type ExecutionEventsResponse = z.infer<typeof executionEventsResponseSchema>;
