export {
  EXECUTION_EVENT_TYPES,
  EXECUTION_STATUSES,
  TERMINAL_STATUSES,
  TERMINAL_EVENT_TYPES,
  executionEventSchema,
  executionEventTypeSchema,
  executionStatusSchema,
  isTerminalStatus,
  isTerminalEvent,
  statusRank,
  deriveExecutionStatus,
  advanceStatus,
  decodeExecutionEvent,
  encodeExecutionEvent,
} from './types.js';
export type { ExecutionEvent, ExecutionEventType, ExecutionStatus } from './types.js';
export {
  DEFAULT_SUBJECT_PREFIX,
  EXECUTION_STREAM,
  normalizePrefix,
  executionSubject,
  executionSubjectsWildcard,
  executionIdFromSubject,
} from './subjects.js';
export { ensureExecutionStream } from './stream.js';
export type { ExecutionStreamOptions } from './stream.js';
export { createEventPublisher } from './publisher.js';
export type { EventPublisher, EventPublisherOptions } from './publisher.js';
export { subscribeExecutionEvents, waitForTerminalEvent } from './subscriber.js';
export type { SubscribeExecutionOptions, WaitForTerminalOptions } from './subscriber.js';
export { connectNats } from './connection.js';
export type { NatsConnection } from './connection.js';
export { parseNatsServers, redactNatsUrl } from './nats-url.js';
export type { NatsServerSettings } from './nats-url.js';
export {
  traceHeaders,
  contextFromHeaders,
  rememberExecutionTrace,
  executionTraceOf,
  setEventTrace,
  eventTraceOf,
} from './trace-headers.js';
