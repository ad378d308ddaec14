import { GraphQLError, type ASTNode } from 'graphql';
import type { OperationLimits } from './operation-limits.js';
import type { OperationMeasure } from './measure-operation.js';

/** The `extensions.code` of each limit. */
export const LIMIT_CODES = {
  aliases: 'MAX_ALIASES_EXCEEDED',
  rootMutations: 'MAX_ROOT_MUTATIONS_EXCEEDED',
  listSize: 'LIST_SIZE_EXCEEDED',
  cost: 'MAX_COST_EXCEEDED',
} as const;

/** One coded error for each limit the measured operation passes (none when it is within every limit). */
export function limitErrors(
  measure: OperationMeasure,
  limits: OperationLimits,
  node?: ASTNode,
): GraphQLError[] {
  const errors: GraphQLError[] = [];
  const error = (message: string, code: string, limit: number, actual: number) =>
    errors.push(
      new GraphQLError(message, { ...(node ? { nodes: [node] } : {}), extensions: { code, limit, actual } }),
    );
  if (measure.aliases > limits.maxAliases)
    error(
      `The operation has ${measure.aliases} aliases; at most ${limits.maxAliases} are allowed.`,
      LIMIT_CODES.aliases,
      limits.maxAliases,
      measure.aliases,
    );
  if (measure.rootMutationFields > limits.maxRootMutationFields)
    error(
      `The mutation has ${measure.rootMutationFields} root fields; at most ${limits.maxRootMutationFields} are allowed in one request.`,
      LIMIT_CODES.rootMutations,
      limits.maxRootMutationFields,
      measure.rootMutationFields,
    );
  for (const list of measure.oversizedLists)
    error(
      `"${list.argument}" of ${list.field} is ${list.size}; at most ${limits.maxListSize} is allowed.`,
      LIMIT_CODES.listSize,
      limits.maxListSize,
      list.size,
    );
  if (measure.cost > limits.maxCost)
    error(
      `The operation's estimated cost is ${measure.cost}; the budget is ${limits.maxCost}. Ask for smaller pages or fewer nested lists.`,
      LIMIT_CODES.cost,
      limits.maxCost,
      measure.cost,
    );
  return errors;
}
