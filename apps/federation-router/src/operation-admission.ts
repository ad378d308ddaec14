import type {
  FederationGateway,
  GraphQLRequest,
  GraphQLResult,
  PreparedOperation,
} from '@switchyard/federation';
import { limitErrors, measureOperation, type OperationLimits } from '@switchyard/graphql-limits';
import type { GraphQLError } from 'graphql';

/** The cost model's errors for an operation the gateway prepared (empty when it is within every limit). */
export function operationLimitErrors(
  gateway: FederationGateway,
  prepared: PreparedOperation,
  limits: OperationLimits,
): GraphQLError[] {
  const measure = measureOperation(
    gateway.apiSchema,
    prepared.document,
    prepared.operation,
    limits,
    prepared.variables,
  );
  return limitErrors(measure, limits, prepared.operation);
}

/**
 * Checks a request against the cost model before it runs. Requests the gateway cannot prepare pass through
 * (executing them reports their own error); a refused one gets a result holding the limit errors.
 */
export function refuseOverLimits(
  gateway: FederationGateway,
  request: GraphQLRequest,
  limits: OperationLimits,
  allowedKinds?: Array<'query' | 'mutation'>,
): GraphQLResult | undefined {
  let prepared: PreparedOperation;
  try {
    prepared = gateway.prepare(request, allowedKinds);
  } catch {
    return undefined;
  }
  const errors = operationLimitErrors(gateway, prepared, limits);
  return errors.length > 0
    ? { errors: errors.map((e) => e.toJSON() as NonNullable<GraphQLResult['errors']>[number]) }
    : undefined;
}
