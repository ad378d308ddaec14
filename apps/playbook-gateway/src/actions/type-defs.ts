/** Actions, following the Capact Engine GraphQL API (names and shapes), plus TypeInstances. */
export const actionTypeDefs = /* GraphQL */ `
  extend type Query {
    "One Action, or null. Needs view access to its playbook."
    action(name: String!): Action
    "Actions the session may view, oldest first."
    actions(filter: ActionFilter): [Action!]!
    "One TypeInstance, or null."
    typeInstance(id: ID!): TypeInstance
    "TypeInstances of one type (revision optional)."
    typeInstances(typeRef: ManifestReferenceInput!): [TypeInstance!]!
  }

  extend type Mutation {
    "Creates an Action; the engine renders it (phase INITIAL, then BEING_RENDERED, then READY_TO_RUN or ADVANCED_MODE_RENDERING_ITERATION or FAILED)."
    createAction(in: ActionDetailsInput!): Action!
    "Replaces the input of an Action that has not run and renders it again."
    updateAction(in: ActionDetailsInput!): Action!
    "Runs a READY_TO_RUN Action (once); its phase follows the execution to SUCCEEDED or FAILED."
    runAction(name: String!): Action!
    "Cancels a RUNNING Action and its child executions: BEING_CANCELED, then CANCELED."
    cancelAction(name: String!): Action!
    "Deletes an Action that is not RUNNING or BEING_CANCELED."
    deleteAction(name: String!): Action!
    "Answers an advanced rendering iteration with some or none of the offered TypeInstances."
    continueAdvancedRendering(actionName: String!, in: AdvancedModeContinueRenderingInput!): Action!
    "Stores a typed JSON artifact."
    createTypeInstance(in: CreateTypeInstanceInput!): TypeInstance!
  }

  extend type Subscription {
    "Every phase change of an Action from its creation, in order, then live; completes after CANCELED, SUCCEEDED or FAILED."
    actionStatus(name: String!): Action!
  }

  enum ActionStatusPhase {
    INITIAL
    BEING_RENDERED
    ADVANCED_MODE_RENDERING_ITERATION
    READY_TO_RUN
    RUNNING
    BEING_CANCELED
    CANCELED
    SUCCEEDED
    FAILED
  }

  type Action {
    name: String!
    createdAt: String!
    input: ActionInputData!
    output: ActionOutput!
    "The playbook the Action runs: path and catalog version (null revision: the latest at rendering)."
    actionRef: ManifestReference!
    "True once runAction was accepted."
    run: Boolean!
    "True once cancelAction was accepted."
    cancel: Boolean!
    "A dry run is rendered but never runs."
    dryRun: Boolean!
    "The resolved tree: { path, revision, step, args, typeInstances, children }."
    renderedAction: JSON
    renderingAdvancedMode: ActionRenderingAdvancedMode!
    status: ActionStatus!
  }

  type ActionInputData {
    parameters: JSON
    typeInstances: [InputTypeInstanceDetails!]!
  }

  type InputTypeInstanceDetails {
    name: String!
    id: ID!
  }

  type ActionOutput {
    typeInstances: [OutputTypeInstanceDetails!]!
  }

  type OutputTypeInstanceDetails {
    name: String!
    id: ID!
    typeRef: ManifestReference!
  }

  type ManifestReference {
    path: String!
    revision: String
  }

  type ActionRenderingAdvancedMode {
    enabled: Boolean!
    typeInstancesForRenderingIteration: [InputTypeInstanceToProvide!]!
  }

  type InputTypeInstanceToProvide {
    name: String!
    typeRef: ManifestReference!
    optional: Boolean!
    "The (nested) playbook that declares it."
    playbookPath: String!
  }

  type ActionStatus {
    phase: ActionStatusPhase!
    timestamp: String!
    message: String
    "{ status: { executionId, executionStatus } } once the Action runs."
    runner: RunnerStatus
    createdBy: UserInfo
    runBy: UserInfo
    canceledBy: UserInfo
  }

  type RunnerStatus {
    status: JSON
  }

  type UserInfo {
    username: String!
    email: String
  }

  type TypeInstance {
    id: ID!
    typeRef: ManifestReference!
    value: JSON
    createdAt: String!
  }

  input ActionDetailsInput {
    name: String!
    input: ActionInputDataInput
    actionRef: ManifestReferenceInput!
    dryRun: Boolean = false
    advancedRendering: Boolean = false
  }

  input ActionInputDataInput {
    parameters: JSON
    typeInstances: [InputTypeInstanceData!]
  }

  input InputTypeInstanceData {
    name: String!
    id: ID!
  }

  input ManifestReferenceInput {
    path: String!
    revision: String
  }

  input AdvancedModeContinueRenderingInput {
    typeInstances: [InputTypeInstanceData!]
  }

  input ActionFilter {
    phase: ActionStatusPhase
    nameRegex: String
    interfaceRef: ManifestReferenceInput
  }

  input CreateTypeInstanceInput {
    typeRef: ManifestReferenceInput!
    value: JSON
  }
`;
