import type { ApolloServerPlugin } from '@apollo/server';
import { limitErrors, measureOperation, type OperationLimits } from '@switchyard/graphql-limits';
import { GraphQLError, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import type { OperationBudget } from '../edge/operation-budget.js';
import type { ClientKeys, GatewayContext } from './context.js';

export interface OperationAdmission {
  schema: GraphQLSchema;
  limits: OperationLimits;
  budget?: OperationBudget;
}

/**
 * Admits one resolved operation: its limits checked again with the request's variables (validation ran without
 * them), then its operations and cost charged to the client's rate budget. Returns the errors that refuse it.
 */
export function admitOperation(
  admission: OperationAdmission,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | null | undefined,
  client: ClientKeys,
): GraphQLError[] {
  const measure = measureOperation(admission.schema, document, operation, admission.limits, variables);
  const errors = limitErrors(measure, admission.limits, operation);
  if (errors.length > 0) return errors;
  const decision = admission.budget?.charge(client, { operations: measure.rootFields, cost: measure.cost });
  if (decision && !decision.allowed) {
    const retryAfter = String(Math.max(1, Math.ceil(decision.retryAfterMs / 1000)));
    return [
      new GraphQLError(
        `Too many operations for this ${decision.scope === 'ip' ? 'address' : 'session'}; retry in ${retryAfter} s`,
        {
          extensions: {
            code: 'RATE_LIMITED',
            http: { status: 429, headers: new Map([['retry-after', retryAfter]]) },
          },
        },
      ),
    ];
  }
  return [];
}

/** Apollo plugin: {@link admitOperation} for every HTTP operation, answering 400 or 429 when refused. */
export function operationAdmissionPlugin(admission: OperationAdmission): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        // A request that never resolves to an operation (it does not parse or validate) still counts as one.
        async didEncounterErrors({ contextValue, operation }) {
          if (!operation) admission.budget?.charge(contextValue.client, { operations: 1, cost: 0 });
        },
        async didResolveOperation({ contextValue, document, operation, request }) {
          if (!operation) return;
          const [error] = admitOperation(
            admission,
            document,
            operation,
            request.variables,
            contextValue.client,
          );
          if (!error) return;
          if (error.extensions.http) throw error;
          throw new GraphQLError(error.message, {
            nodes: error.nodes,
            extensions: { ...error.extensions, http: { status: 400 } },
          });
        },
      };
    },
  };
}
