import type { ASTVisitor, ValidationContext } from 'graphql';
import { limitErrors } from './limit-errors.js';
import { measureOperation } from './measure-operation.js';
import type { OperationLimits } from './operation-limits.js';

/**
 * A validation rule enforcing {@link OperationLimits} on every operation of a document. It runs without
 * variables, so a list size bound to a variable counts as its default value, or as `maxListSize`.
 */
export function operationLimitsRule(limits: OperationLimits) {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(node) {
      const measure = measureOperation(context.getSchema(), context.getDocument(), node, limits);
      for (const error of limitErrors(measure, limits, node)) context.reportError(error);
    },
  });
}
