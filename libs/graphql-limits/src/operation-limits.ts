import { envVar, parseEnv, type Env } from '@switchyard/service-kit';

/** What one GraphQL operation may ask for. */
export interface OperationLimits {
  /** Most aliased fields in one operation (fragments expanded). */
  maxAliases: number;
  /** Most root fields of one mutation (each may start work: an execution, an Action, a TypeInstance). */
  maxRootMutationFields: number;
  /** Largest page a list argument (`first`, `last`, `limit`) may ask for. */
  maxListSize: number;
  /** Budget for the operation's cost (see {@link measureOperation}). */
  maxCost: number;
  /** Items a list field without a size argument is counted as. */
  defaultListSize: number;
  /** Argument names that set a list's size. */
  listSizeArguments: readonly string[];
}

export const DEFAULT_OPERATION_LIMITS: OperationLimits = {
  maxAliases: 30,
  maxRootMutationFields: 10,
  maxListSize: 100,
  maxCost: 20_000,
  defaultListSize: 10,
  listSizeArguments: ['first', 'last', 'limit'],
};

/** The environment variables of the limits with a service's own defaults; spread into its env shape. */
export function operationLimitsEnvWith(defaults: Partial<OperationLimits> = {}) {
  const d = { ...DEFAULT_OPERATION_LIMITS, ...defaults };
  return {
    GRAPHQL_MAX_ALIASES: envVar.int(d.maxAliases, 0, 100_000),
    GRAPHQL_MAX_ROOT_MUTATIONS: envVar.int(d.maxRootMutationFields, 1, 100_000),
    GRAPHQL_MAX_LIST_SIZE: envVar.int(d.maxListSize, 1, 1_000_000),
    GRAPHQL_MAX_COST: envVar.int(d.maxCost, 1, 1_000_000_000),
    GRAPHQL_DEFAULT_LIST_SIZE: envVar.int(d.defaultListSize, 1, 1_000_000),
  };
}

/** The environment variables of the limits, with the library's defaults. */
export const operationLimitsEnv = operationLimitsEnvWith();

export interface OperationLimitsConfig {
  GRAPHQL_MAX_ALIASES: number;
  GRAPHQL_MAX_ROOT_MUTATIONS: number;
  GRAPHQL_MAX_LIST_SIZE: number;
  GRAPHQL_MAX_COST: number;
  GRAPHQL_DEFAULT_LIST_SIZE: number;
}

/** The limits from a parsed config holding {@link operationLimitsEnv}. */
export function operationLimitsFrom(config: OperationLimitsConfig): OperationLimits {
  return {
    ...DEFAULT_OPERATION_LIMITS,
    maxAliases: config.GRAPHQL_MAX_ALIASES,
    maxRootMutationFields: config.GRAPHQL_MAX_ROOT_MUTATIONS,
    maxListSize: config.GRAPHQL_MAX_LIST_SIZE,
    maxCost: config.GRAPHQL_MAX_COST,
    defaultListSize: config.GRAPHQL_DEFAULT_LIST_SIZE,
  };
}

/** Parses the limits from the environment alone. */
export function parseOperationLimits(env: Env = process.env): OperationLimits {
  return operationLimitsFrom(parseEnv(operationLimitsEnv, env));
}
