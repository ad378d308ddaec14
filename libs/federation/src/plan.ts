import type { Selection } from './selection.js';
import { printSelections } from './selection.js';
import type { OperationKind } from './operation.js';
import type { AliasRestore } from './type-conflict-aliases.js';

/** What an entity fetch sends for each object of a concrete type: `__typename` (as `sendAs`) plus `input`. */
export interface EntityInput {
  typename: string;
  sendAs: string;
  input: Selection[];
  /** Top-level key fields: an object where one of them is null or missing is not sent. */
  keys?: string[];
}

export interface FetchNode {
  kind: 'Fetch';
  id: number;
  serviceName: string;
  operationKind: OperationKind;
  /** The GraphQL document sent to the subgraph. */
  operation: string;
  variableUsages: string[];
  /** Present on entity fetches: how representations are built. */
  inputs?: EntityInput[];
  /** Present when the subgraph is asked under internal aliases (fields whose types differ per object type). */
  restore?: AliasRestore;
}

export interface FlattenNode {
  kind: 'Flatten';
  /** Response path of the objects; `@` marks a list, `... on T` keeps objects of type T. */
  path: string[];
  node: FetchNode;
}

export interface SequenceNode {
  kind: 'Sequence';
  nodes: PlanNode[];
}

export interface ParallelNode {
  kind: 'Parallel';
  nodes: PlanNode[];
}

export type PlanNode = FetchNode | FlattenNode | SequenceNode | ParallelNode;

export interface QueryPlan {
  kind: 'QueryPlan';
  operationKind: OperationKind;
  node?: PlanNode;
  /** The normalized operation, used to shape the response. */
  selections: Selection[];
  /** Root introspection fields answered by the router itself. */
  hasIntrospection: boolean;
}

function indent(text: string, by: string): string {
  return text
    .split('\n')
    .map((line) => by + line)
    .join('\n');
}

function printInputs(inputs: EntityInput[]): string {
  return inputs.map((i) => `... on ${i.sendAs} {${printSelections(i.input)}}`).join('\n');
}

function printNode(node: PlanNode): string {
  switch (node.kind) {
    case 'Fetch': {
      const body = [
        node.inputs
          ? `{\n${indent(printInputs(node.inputs), '  ')}\n} =>\n${node.operation}`
          : node.operation,
      ];
      return `Fetch(service: "${node.serviceName}") {\n${indent(body.join('\n'), '  ')}\n},`;
    }
    case 'Flatten':
      return `Flatten(path: "${node.path.join('.')}") {\n${indent(printNode(node.node), '  ')}\n},`;
    case 'Sequence':
    case 'Parallel':
      return `${node.kind} {\n${node.nodes.map((n) => indent(printNode(n), '  ')).join('\n')}\n},`;
  }
}

/** Prints a plan in the familiar `QueryPlan { Sequence { Fetch ... } }` layout. */
export function printPlan(plan: QueryPlan): string {
  if (!plan.node) return 'QueryPlan {\n}';
  return `QueryPlan {\n${indent(printNode(plan.node), '  ')}\n}`;
}

/** The plan as plain JSON-friendly data (for `extensions.queryPlan`). */
export function planToJSON(plan: QueryPlan): unknown {
  const convert = (node: PlanNode): unknown => {
    switch (node.kind) {
      case 'Fetch':
        return {
          kind: 'Fetch',
          serviceName: node.serviceName,
          operation: node.operation,
          variableUsages: node.variableUsages,
          ...(node.inputs ? { requires: printInputs(node.inputs) } : {}),
        };
      case 'Flatten':
        return { kind: 'Flatten', path: node.path, node: convert(node.node) };
      default:
        return { kind: node.kind, nodes: node.nodes.map(convert) };
    }
  };
  return { kind: 'QueryPlan', node: plan.node ? convert(plan.node) : null };
}
