export {
  DEFAULT_OPERATION_LIMITS,
  operationLimitsEnv,
  operationLimitsEnvWith,
  operationLimitsFrom,
  parseOperationLimits,
} from './operation-limits.js';
export type { OperationLimits, OperationLimitsConfig } from './operation-limits.js';
export { measureOperation } from './measure-operation.js';
export type { OperationMeasure, OversizedList } from './measure-operation.js';
export { LIMIT_CODES, limitErrors } from './limit-errors.js';
export { operationLimitsRule } from './limits-rule.js';
