export * from './types.js';
export { DC_ERROR_TYPES, DcRequestError, formatPath, joinPath } from './errors.js';
export type { DcErrorDetails, DcErrorResponse, DcErrorType } from './errors.js';
export {
  comparisonColumnSchema,
  comparisonValueSchema,
  expressionSchema,
  fieldSchema,
  orderBySchema,
  queryRequestSchema,
  querySchema,
  scalarValueSchema,
  tableNameSchema,
} from './request-schema.js';
export {
  DEFAULT_MAX_REQUEST_DEPTH,
  assertMaxDepth,
  issueToError,
  parseQueryRequest,
} from './validate-request.js';
export {
  agentConfigSchema,
  capabilitiesResponse,
  configOtherSchemas,
  configSchema,
  parseConfigHeader,
} from './config.js';
export { DcClientError, createDcClient } from './client.js';
export type { DcClient, DcClientOptions } from './client.js';
