export { createEngineClient } from './client.js';
export type { EngineClient, EngineClientOptions } from './client.js';
export { EngineError, isEngineError, isEngineUnavailable } from './errors.js';
export type { EngineErrorKind } from './errors.js';
export * from './schemas.js';
export * from './actions-schemas.js';
export { createActionsClient } from './actions-client.js';
export type { ActionsClient } from './actions-client.js';
