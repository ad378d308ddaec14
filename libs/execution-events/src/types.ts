import { z } from 'zod';

/** Event types, with NoETL's names. */
export const EXECUTION_EVENT_TYPES = [
  'playbook.initialized',
  'workflow.initialized',
  'step.enter',
  'call.done',
  'call.error',
  'step.exit',
  'loop.item',
  'loop.done',
  'workflow.completed',
  'playbook.completed',
  'playbook.failed',
  'execution.cancelled',
] as const;
export type ExecutionEventType = (typeof EXECUTION_EVENT_TYPES)[number];

/** Execution statuses, in the only order an execution may move through them. */
export const EXECUTION_STATUSES = [
  'INITIALIZED',
  'PENDING',
  'RUNNING',
  'COMPLETED',
  'FAILED',
  'CANCELLED',
] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];

export const TERMINAL_STATUSES: readonly ExecutionStatus[] = ['COMPLETED', 'FAILED', 'CANCELLED'];
export const TERMINAL_EVENT_TYPES: readonly ExecutionEventType[] = [
  'playbook.completed',
  'playbook.failed',
  'execution.cancelled',
];

export const executionEventTypeSchema = z.enum(EXECUTION_EVENT_TYPES);
export const executionStatusSchema = z.enum(EXECUTION_STATUSES);

/**
 * One execution event, as written to the event log and published on NATS.
 * `status` is the execution's status after this event; `seq` is gap-free per execution, from 1.
 */
export const executionEventSchema = z.object({
  eventId: z.string().min(1),
  executionId: z.string().min(1),
  parentExecutionId: z.string().min(1).optional(),
  seq: z.number().int().min(1),
  type: executionEventTypeSchema,
  status: executionStatusSchema,
  step: z.string().optional(),
  timestamp: z.string(),
  result: z.unknown().optional(),
  error: z.string().optional(),
});
export type ExecutionEvent = z.infer<typeof executionEventSchema>;

export function isTerminalStatus(status: string | undefined | null): boolean {
  return status !== undefined && status !== null && (TERMINAL_STATUSES as readonly string[]).includes(status);
}

export function isTerminalEvent(event: Pick<ExecutionEvent, 'type'>): boolean {
  return TERMINAL_EVENT_TYPES.includes(event.type);
}

/** Rank of a status in the forward-only order: INITIALIZED < PENDING < RUNNING < any terminal status. */
export function statusRank(status: ExecutionStatus): number {
  switch (status) {
    case 'INITIALIZED':
      return 0;
    case 'PENDING':
      return 1;
    case 'RUNNING':
      return 2;
    default:
      return 3;
  }
}

/**
 * The one way every component derives an execution's status from its events: statuses only move forward,
 * and the first terminal status is final.
 */
export function deriveExecutionStatus(
  events: Iterable<Pick<ExecutionEvent, 'status'>>,
): ExecutionStatus | undefined {
  let current: ExecutionStatus | undefined;
  for (const event of events) {
    current = advanceStatus(current, event.status);
  }
  return current;
}

/** Applies one status to the current one: returns the current status when the new one would move backwards. */
export function advanceStatus(current: ExecutionStatus | undefined, next: ExecutionStatus): ExecutionStatus {
  if (current === undefined) return next;
  if (isTerminalStatus(current)) return current;
  return statusRank(next) >= statusRank(current) ? next : current;
}

/** Parses a message payload; throws a ZodError when it is not an execution event. */
export function decodeExecutionEvent(data: Uint8Array | string): ExecutionEvent {
  const text = typeof data === 'string' ? data : new TextDecoder().decode(data);
  return executionEventSchema.parse(JSON.parse(text));
}

export function encodeExecutionEvent(event: ExecutionEvent): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(event));
}
