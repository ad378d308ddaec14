export { createEngineClient } from './client.js';
export type { EngineClient } from './client.js';
export type { EngineClientOptions, RequestOptions } from './transport.js';
export { EngineError, isEngineError, isEngineUnavailable } from './errors.js';
export type { EngineErrorKind } from './errors.js';
export * from './schemas.js';
export * from './actions-schemas.js';
export { createActionsClient } from './actions-client.js';
export type { ActionsClient } from './actions-client.js';
