/** The gateway's GraphQL schema. `Execution`'s first four fields and `executePlaybook` keep NoETL Gateway's names. */
export const typeDefs = /* GraphQL */ `
  "Any JSON value."
  scalar JSON

  enum ExecutionStatus {
    INITIALIZED
    PENDING
    RUNNING
    COMPLETED
    FAILED
    CANCELLED
  }

  type Query {
    "Always 'ok' while the gateway serves (no session needed)."
    health: String!
    "One execution, or null when the engine does not know the id. Needs view access to its playbook."
    execution(id: ID!): Execution
    "Executions, newest first, limited to playbooks the session may view. 'after' is the endCursor of the previous page."
    executions(status: ExecutionStatus, path: String, first: Int = 20, after: String): ExecutionConnection!
    "The latest version of every playbook the session may view."
    playbooks: [Playbook!]!
  }

  type Mutation {
    "Starts the playbook registered at path 'name' with 'variables' as its args; returns at once."
    executePlaybook(name: String!, variables: JSON): Execution!
    "Cancels an execution and its child executions."
    cancelExecution(id: ID!, reason: String): Execution!
    "Registers a playbook (YAML, noetl.io/v2) at its metadata.path, as a new version. Needs 'register' on that path."
    registerPlaybook(content: String!): Playbook!
  }

  type Subscription {
    "Every event of an execution in seq order from 'fromSeq', each once; completes after the terminal event."
    executionEvents(executionId: ID!, fromSeq: Int = 1): ExecutionEvent!
    "The execution now, then again each time its status changes; completes after a terminal status."
    executionStatus(executionId: ID!): Execution!
  }

  type Execution {
    id: ID!
    "The playbook path."
    name: String!
    "INITIALIZED, PENDING, RUNNING, COMPLETED, FAILED or CANCELLED."
    status: String
    "The result as text (JSON for structured results), or the error of a failed execution."
    textOutput: String
    result: JSON
    error: String
    startedAt: String
    endedAt: String
    parentId: ID
    "Every event of the execution so far, in seq order."
    events: [ExecutionEvent!]!
  }

  type ExecutionEvent {
    eventId: ID!
    executionId: ID!
    parentExecutionId: ID
    seq: Int!
    type: String!
    status: ExecutionStatus!
    step: String
    timestamp: String!
    result: JSON
    error: String
  }

  type ExecutionEdge {
    cursor: String!
    node: Execution!
  }

  type PageInfo {
    hasNextPage: Boolean!
    endCursor: String
  }

  type ExecutionConnection {
    edges: [ExecutionEdge!]!
    nodes: [Execution!]!
    pageInfo: PageInfo!
    "Executions matching the filters that the session may see: its own runs, or everyone's with view_all on the path (every path when no path is given)."
    totalCount: Int!
  }

  type Playbook {
    path: String!
    name: String
    description: String
    version: Int!
    catalogId: ID!
    createdAt: String!
  }
`;
