import {
  execute as executeLocally,
  isAbstractType,
  GraphQLError,
  Kind,
  parse,
  print,
  specifiedRules,
  validate,
  NoSchemaIntrospectionCustomRule,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type OperationTypeNode,
} from 'graphql';
import { LRUCache } from 'lru-cache';
import { buildApiSchema } from './api-schema.js';
import { FieldCollector } from './collect-fields.js';
import { completeResponse } from './complete.js';
import { executePlan, pickVariables, type ExecutionError } from './executor.js';
import { checkLimits, DEFAULT_LIMITS, type DocumentLimits } from './limits.js';
import {
  coerceVariables,
  conditionVariables,
  normalizeOperation,
  requestError,
  selectOperation,
} from './operation.js';
import { planToJSON, printPlan, type PlanNode, type QueryPlan } from './plan.js';
import { PlanningError, QueryPlanner } from './planner.js';
import { SubgraphClients, type SubgraphFetcher } from './subgraph-client.js';
import { parseSupergraph, type Supergraph } from './supergraph.js';
import { splitSubscriptionPlan, subscribeToSubgraph } from './subscription.js';
import { restoreAliases } from './type-conflict-aliases.js';

export interface GraphQLRequest {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
  extensions?: unknown;
}

export interface GraphQLResult {
  data?: Record<string, unknown> | null;
  errors?: ExecutionError[];
  extensions?: Record<string, unknown>;
}

export interface FederationGatewayOptions {
  supergraphSdl: string;
  /** Overrides subgraph URLs from the supergraph, by subgraph name. */
  subgraphUrls?: Record<string, string>;
  /** Per-request timeout for subgraph fetches. */
  timeoutMs?: number;
  /** Per-subgraph timeouts, by subgraph name. */
  subgraphTimeoutsMs?: Record<string, number>;
  planCacheSize?: number;
  introspection?: boolean;
  limits?: DocumentLimits;
  /** Shared connection pools (e.g. across supergraph reloads). */
  clients?: SubgraphClients;
  onFetch?: (serviceName: string, ok: boolean, ms: number) => void;
}

export interface ExecuteOptions {
  /** Headers forwarded to subgraphs (already filtered by the caller's allow-list). */
  headers?: Record<string, string>;
  /** Put the plan under `extensions.queryPlan` (and its text under `extensions.queryPlanText`). */
  includePlan?: boolean;
  signal?: AbortSignal;
  /** Operation kinds accepted (e.g. only 'query' for GET). */
  allowedKinds?: ReadonlyArray<'query' | 'mutation' | 'subscription'>;
}

interface ParsedDocument {
  document: DocumentNode;
  normalizedText: string;
  conditionVariables: string[];
}

/** A prepared request: the operation chosen, variables coerced, plan looked up. */
export interface PreparedOperation {
  operation: OperationDefinitionNode;
  document: DocumentNode;
  variables: Record<string, unknown>;
  plan: QueryPlan;
}

function errorResult(error: unknown): GraphQLResult {
  if (error instanceof GraphQLError) {
    const json = error.toJSON() as ExecutionError;
    return { errors: [json] };
  }
  if (error instanceof PlanningError) {
    return { errors: [{ message: error.message, extensions: { code: 'QUERY_PLANNING_FAILED' } }] };
  }
  return { errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] };
}

export function isRequestError(result: GraphQLResult): boolean {
  return result.data === undefined && (result.errors?.length ?? 0) > 0;
}

/** Plans and executes operations against one supergraph. Immutable: reloads build a new instance. */
export class FederationGateway {
  readonly supergraph: Supergraph;
  readonly apiSchema: GraphQLSchema;
  private readonly planner: QueryPlanner;
  private readonly collector: FieldCollector;
  private readonly documents: LRUCache<string, ParsedDocument>;
  private readonly plans: LRUCache<string, QueryPlan>;
  private readonly fetchers = new Map<string, SubgraphFetcher>();
  private readonly ownsClients: boolean;
  private readonly clients: SubgraphClients;
  private readonly limits: DocumentLimits;
  private readonly validationRules;
  private readonly abstractTypes: ReadonlySet<string>;

  constructor(private readonly options: FederationGatewayOptions) {
    this.supergraph = parseSupergraph(options.supergraphSdl);
    this.apiSchema = buildApiSchema(this.supergraph);
    this.planner = new QueryPlanner(this.supergraph);
    this.collector = new FieldCollector(this.apiSchema);
    this.abstractTypes = new Set(
      Object.values(this.supergraph.schema.getTypeMap())
        .filter((t) => isAbstractType(t))
        .map((t) => t.name),
    );
    const size = options.planCacheSize ?? 1000;
    this.documents = new LRUCache({ max: size });
    this.plans = new LRUCache({ max: size });
    this.ownsClients = !options.clients;
    this.clients = options.clients ?? new SubgraphClients({ defaultTimeoutMs: options.timeoutMs });
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.validationRules =
      options.introspection === false ? [...specifiedRules, NoSchemaIntrospectionCustomRule] : specifiedRules;
    for (const sub of this.supergraph.subgraphs.values()) {
      const url = options.subgraphUrls?.[sub.name] ?? sub.url;
      this.fetchers.set(sub.name, this.clients.fetcher(url));
    }
  }

  /** Subgraph name -> URL in use. */
  subgraphUrls(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const sub of this.supergraph.subgraphs.values())
      out[sub.name] = this.options.subgraphUrls?.[sub.name] ?? sub.url;
    return out;
  }

  private parseDocument(query: string): ParsedDocument {
    const cached = this.documents.get(query);
    if (cached) return cached;
    let document: DocumentNode;
    try {
      document = parse(query, { maxTokens: this.limits.maxTokens });
    } catch (error) {
      const message = (error as Error).message;
      const code = /more tha[nt] \d+ tokens/.test(message) ? 'MAX_TOKENS_EXCEEDED' : 'GRAPHQL_PARSE_FAILED';
      throw new GraphQLError(message, { extensions: { code } });
    }
    checkLimits(document, this.limits);
    const errors = validate(this.apiSchema, document, this.validationRules);
    if (errors.length > 0) {
      const [first] = errors;
      const introspectionOff =
        errors.some((e) => /introspection/i.test(e.message)) && this.options.introspection === false;
      throw new GraphQLError(errors.map((e) => e.message).join('\n'), {
        nodes: first?.nodes,
        extensions: { code: introspectionOff ? 'INTROSPECTION_DISABLED' : 'GRAPHQL_VALIDATION_FAILED' },
      });
    }
    const parsed = {
      document,
      normalizedText: print(document),
      conditionVariables: conditionVariables(document),
    };
    this.documents.set(query, parsed);
    return parsed;
  }

  /** Parses, validates, coerces and plans (plans are cached). Throws coded GraphQL errors on bad input. */
  prepare(request: GraphQLRequest, allowedKinds?: ExecuteOptions['allowedKinds']): PreparedOperation {
    if (typeof request.query !== 'string' || request.query.trim() === '') {
      throw requestError('Must provide a query string.', 'BAD_REQUEST');
    }
    if (
      request.variables !== undefined &&
      request.variables !== null &&
      (typeof request.variables !== 'object' || Array.isArray(request.variables))
    ) {
      throw requestError('"variables" must be an object.', 'BAD_REQUEST');
    }
    if (
      request.operationName !== undefined &&
      request.operationName !== null &&
      typeof request.operationName !== 'string'
    ) {
      throw requestError('"operationName" must be a string.', 'BAD_REQUEST');
    }
    const parsed = this.parseDocument(request.query);
    const operation = selectOperation(parsed.document, request.operationName as string | undefined);
    if (allowedKinds && !allowedKinds.includes(operation.operation)) {
      throw requestError(`${operation.operation} operations are not allowed here.`, 'OPERATION_NOT_ALLOWED');
    }
    const variables = coerceVariables(
      this.apiSchema,
      operation,
      request.variables as Record<string, unknown> | undefined,
    );
    const conditions = parsed.conditionVariables
      .map((v) => `${v}=${JSON.stringify(variables[v] ?? null)}`)
      .join('&');
    const cacheKey = `${operation.name?.value ?? ''}\n${conditions}\n${parsed.normalizedText}`;
    let plan = this.plans.get(cacheKey);
    if (!plan) {
      plan = this.planner.plan(normalizeOperation(parsed.document, operation, variables));
      this.plans.set(cacheKey, plan);
    }
    return { operation, document: parsed.document, variables, plan };
  }

  /** Builds the plan for a query without executing it. */
  planFor(query: string, operationName?: string, variables?: Record<string, unknown>): QueryPlan {
    return this.prepare({ query, operationName, variables }).plan;
  }

  async execute(request: GraphQLRequest, options: ExecuteOptions = {}): Promise<GraphQLResult> {
    let prepared: PreparedOperation;
    try {
      prepared = this.prepare(request, options.allowedKinds);
    } catch (error) {
      return errorResult(error);
    }
    return this.executePrepared(prepared, options);
  }

  /** Executes an operation already prepared (parsed, validated, planned) by {@link prepare}. */
  async executePrepared(prepared: PreparedOperation, options: ExecuteOptions = {}): Promise<GraphQLResult> {
    if (prepared.plan.operationKind === 'subscription') {
      return errorResult(requestError('Subscriptions are served over graphql-ws.', 'OPERATION_NOT_ALLOWED'));
    }
    try {
      return await this.run(prepared, options, undefined);
    } catch (error) {
      return errorResult(error);
    }
  }

  /**
   * Executes a prepared plan; `seed` is root data already known (a subscription event) with the plan
   * nodes that remain to run for it.
   */
  async run(
    prepared: PreparedOperation,
    options: ExecuteOptions,
    seed: { data: Record<string, unknown>; node: PlanNode | undefined } | undefined,
  ): Promise<GraphQLResult> {
    const { plan, variables } = prepared;
    const node = seed ? seed.node : plan.node;
    const { data, errors } = await executePlan(
      { ...plan, node },
      {
        fetchers: this.fetchers,
        variables,
        headers: options.headers,
        timeoutMs: this.options.timeoutMs,
        signal: options.signal,
        onFetch: this.options.onFetch,
        initialData: seed?.data,
        abstractTypes: this.abstractTypes,
        timeoutFor: (name) => this.options.subgraphTimeoutsMs?.[name],
      },
    );
    if (plan.hasIntrospection) this.mergeIntrospection(prepared, data, errors);
    const rootType = this.apiSchema.getRootType(plan.operationKind as OperationTypeNode);
    const completed = completeResponse(
      this.apiSchema,
      this.collector,
      rootType!,
      plan.selections,
      data,
      errors,
    );
    const result: GraphQLResult = {};
    if (errors.length > 0) result.errors = errors;
    result.data = completed;
    if (options.includePlan)
      result.extensions = { queryPlan: planToJSON(plan), queryPlanText: printPlan(plan) };
    return result;
  }

  /**
   * Runs a subscription: the root field is forwarded to its subgraph over graphql-ws and every event is
   * completed with the plan's entity fetches. Returns a single result instead when the request is bad.
   */
  async subscribe(
    request: GraphQLRequest,
    options: ExecuteOptions = {},
  ): Promise<AsyncGenerator<GraphQLResult> | GraphQLResult> {
    let prepared: PreparedOperation;
    try {
      prepared = this.prepare(request, ['subscription']);
    } catch (error) {
      return errorResult(error);
    }
    return this.subscribePrepared(prepared, options);
  }

  /** Runs a subscription already prepared by {@link prepare}. */
  async subscribePrepared(
    prepared: PreparedOperation,
    options: ExecuteOptions = {},
  ): Promise<AsyncGenerator<GraphQLResult> | GraphQLResult> {
    const split = splitSubscriptionPlan(prepared.plan.node);
    if (!split)
      return errorResult(new PlanningError('a subscription must start with a single subgraph fetch'));
    const url = this.subgraphUrls()[split.root.serviceName];
    if (!url) return errorResult(new PlanningError(`no URL for subgraph "${split.root.serviceName}"`));
    const variables = pickVariables(split.root, prepared.variables);
    const events = subscribeToSubgraph(
      url,
      split.root.serviceName,
      split.root.operation,
      variables,
      options.headers,
      options.signal,
    );
    const complete = (data: Record<string, unknown>) =>
      this.run(prepared, options, { data, node: split.rest });
    const { restore } = split.root;
    async function* results(): AsyncGenerator<GraphQLResult> {
      try {
        for await (const event of events) {
          if (!event.data) {
            yield { data: null, errors: event.errors };
            continue;
          }
          if (restore) restoreAliases(event.data, restore);
          const result = await complete(event.data);
          if (event.errors?.length) result.errors = [...event.errors, ...(result.errors ?? [])];
          yield result;
        }
      } finally {
        await events.return(undefined);
      }
    }
    return results();
  }

  /** Answers `__schema` / `__type` root fields from the API schema. */
  private mergeIntrospection(
    prepared: PreparedOperation,
    data: Record<string, unknown>,
    errors: ExecutionError[],
  ): void {
    const op = prepared.operation;
    const document: DocumentNode = {
      kind: Kind.DOCUMENT,
      definitions: [
        {
          ...op,
          selectionSet: {
            ...op.selectionSet,
            selections: op.selectionSet.selections.filter(
              (s) => s.kind === Kind.FIELD && (s.name.value === '__schema' || s.name.value === '__type'),
            ),
          },
        },
        ...prepared.document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION),
      ],
    };
    const result = executeLocally({ schema: this.apiSchema, document, variableValues: prepared.variables });
    if ('then' in result) return;
    for (const [key, value] of Object.entries(result.data ?? {})) if (!(key in data)) data[key] = value;
    for (const e of result.errors ?? []) errors.push(e.toJSON() as ExecutionError);
  }

  /** Sends `{ __typename }` to one subgraph; rejects when it does not answer with data. */
  async pingSubgraph(name: string, timeoutMs = 1_500): Promise<void> {
    const fetcher = this.fetchers.get(name);
    if (!fetcher) throw new Error(`unknown subgraph "${name}"`);
    const response = await fetcher({ query: '{ __typename }' }, { timeoutMs });
    if (!response.data) throw new Error(`subgraph "${name}" answered without data`);
  }

  async close(): Promise<void> {
    if (this.ownsClients) await this.clients.close();
  }
}
