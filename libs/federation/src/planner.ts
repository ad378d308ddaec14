import {
  Kind,
  getNamedType,
  getNullableType,
  isAbstractType,
  isInterfaceType,
  isListType,
  isUnionType,
  type GraphQLOutputType,
  type ValueNode,
  type OperationTypeNode,
} from 'graphql';
import { collectFields } from './collect-fields.js';
import type { NormalizedOperation, OperationKind } from './operation.js';
import type { EntityInput, FetchNode, PlanNode, QueryPlan } from './plan.js';
import {
  fieldIdentity,
  printSelections,
  type FieldSelection,
  type FragmentSelection,
  type Selection,
} from './selection.js';
import { possibleTypes, type Supergraph, type TypeInfo } from './supergraph.js';
import { aliasTypeConflicts } from './type-conflict-aliases.js';

/** The operation cannot be planned against this supergraph (a composition gap, not a client mistake). */
export class PlanningError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlanningError';
  }
}

const INTROSPECTION_FIELDS = new Set(['__schema', '__type']);
const MAX_KEY_DEPTH = 8;

interface Group {
  id: number;
  graph: string;
  /** Response path of the objects this group adds fields to ([] for root groups). */
  path: string[];
  entity: boolean;
  selections: Selection[];
  inputs: Map<string, EntityInput>;
  dependsOn: Set<Group>;
}

/** One `@` per list level of a field's type, as in `products.@.reviews`. */
function listMarkers(type: GraphQLOutputType): string[] {
  const out: string[] = [];
  let t = getNullableType(type);
  while (isListType(t)) {
    out.push('@');
    t = getNullableType(t.ofType);
  }
  return out;
}

function addField(target: Selection[], sel: FieldSelection, withSelections: boolean): FieldSelection {
  const identity = fieldIdentity(sel);
  for (const existing of target) {
    if (existing.kind === 'field' && fieldIdentity(existing) === identity) {
      if (withSelections && !existing.selections) existing.selections = [];
      return existing;
    }
  }
  const added: FieldSelection = {
    kind: 'field',
    name: sel.name,
    responseKey: sel.responseKey,
    args: sel.args,
    selections: withSelections ? [] : undefined,
  };
  target.push(added);
  return added;
}

/**
 * Router-added fields (keys, requirements) whose response key is already taken by a different user field get
 * an internal alias, so the subgraph query stays valid and representations read the right value.
 */
function avoidConflicts(target: readonly Selection[], fields: FieldSelection[]): FieldSelection[] {
  return fields.map((f) => {
    // A field with arguments gets an alias of its own: the operation may ask for it with other arguments.
    if (f.args.length > 0) return { ...f, responseKey: `__sy_${f.name}_${shortHash(fieldIdentity(f))}` };
    const clash = target.some(
      (t) => t.kind === 'field' && t.responseKey === f.responseKey && fieldIdentity(t) !== fieldIdentity(f),
    );
    return clash ? { ...f, responseKey: `__sy_${f.name}` } : f;
  });
}

/** A short stable name suffix (FNV-1a, base 36). */
function shortHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(36);
}

/** The field and its arguments, whatever its response key. */
function fieldWithArgs(sel: FieldSelection): string {
  return fieldIdentity({ ...sel, responseKey: sel.name });
}

/**
 * Representations carry fields by name: one input cannot hold the same field with two argument sets
 * (`price(currency: "USD")` and `price(currency: "EUR")`), so such requirements need separate fetches.
 */
function inputsConflict(existing: readonly Selection[], incoming: readonly Selection[]): boolean {
  for (const sel of incoming) {
    if (sel.kind !== 'field') continue;
    for (const other of existing) {
      if (other.kind !== 'field' || other.name !== sel.name) continue;
      if (fieldWithArgs(other) !== fieldWithArgs(sel)) return true;
      if (sel.selections && other.selections && inputsConflict(other.selections, sel.selections)) return true;
    }
  }
  return false;
}

function addFragment(target: Selection[], typeCondition: string): FragmentSelection {
  for (const existing of target) {
    if (existing.kind === 'fragment' && existing.typeCondition === typeCondition) return existing;
  }
  const added: FragmentSelection = { kind: 'fragment', typeCondition, selections: [] };
  target.push(added);
  return added;
}

function mergeInto(target: Selection[], source: readonly Selection[]): void {
  for (const sel of source) {
    if (sel.kind === 'fragment') {
      mergeInto(addFragment(target, sel.typeCondition ?? '').selections, sel.selections);
    } else {
      const node = addField(target, sel, !!sel.selections);
      if (sel.selections) mergeInto(node.selections!, sel.selections);
    }
  }
}

function countFields(selections: readonly Selection[]): number {
  let n = 0;
  for (const sel of selections) {
    if (sel.kind === 'field') n++;
    if (sel.selections) n += countFields(sel.selections);
  }
  return n;
}

function keyNames(key: readonly Selection[]): string[] {
  return key.flatMap((s) => (s.kind === 'field' ? [s.name] : []));
}

function collectVariables(selections: readonly Selection[], out: Set<string>): void {
  const visitValue = (value: ValueNode) => {
    if (value.kind === Kind.VARIABLE) out.add(value.name.value);
    else if (value.kind === Kind.LIST) value.values.forEach(visitValue);
    else if (value.kind === Kind.OBJECT) value.fields.forEach((f) => visitValue(f.value));
  };
  for (const sel of selections) {
    if (sel.kind === 'field') sel.args.forEach((a) => visitValue(a.value));
    if (sel.selections) collectVariables(sel.selections, out);
  }
}

/** Builds query plans for operations against one supergraph. Plans are pure data and can be cached. */
export class QueryPlanner {
  constructor(private readonly supergraph: Supergraph) {}

  plan(operation: NormalizedOperation): QueryPlan {
    const { schema } = this.supergraph;
    const rootType = schema.getRootType(operation.kind as OperationTypeNode);
    if (!rootType) throw new PlanningError(`the supergraph has no ${operation.kind} type`);
    const fields = collectFields(schema, rootType.name, operation.selections);
    const hasIntrospection = fields.some((f) => INTROSPECTION_FIELDS.has(f.name));
    const planned = fields.filter((f) => !INTROSPECTION_FIELDS.has(f.name) && f.name !== '__typename');

    const build = new PlanBuilder(this.supergraph, operation);
    const roots: Group[][] = [];
    let previousGraph: string | undefined;
    for (const f of planned) {
      if (operation.kind !== 'mutation') {
        const parts = this.rootParts(build, rootType.name, f, operation, previousGraph);
        for (const [graph, part] of parts) {
          let group = roots[0]?.find((g) => g.graph === graph);
          if (!group) {
            group = build.newGroup(graph, [], false);
            if (roots.length === 0) roots.push([]);
            roots[0]!.push(group);
          }
          build.planObject(group, group.selections, rootType.name, [], undefined, [part], 0);
          previousGraph = graph;
        }
        continue;
      }
      // Mutation root fields run one after another; consecutive fields on one subgraph share a fetch.
      const graph = this.chooseRootGraph(rootType.name, f, operation, previousGraph);
      const last = roots[roots.length - 1];
      const group = last && last[0]!.graph === graph ? last[0]! : build.newGroup(graph, [], false);
      if (!last || last[0] !== group) roots.push([group]);
      build.planObject(group, group.selections, rootType.name, [], undefined, [f], 0);
      previousGraph = graph;
    }
    let node: PlanNode | undefined;
    if (operation.kind === 'mutation') {
      const parts = roots.map((r) => build.toPlanNode(r));
      node =
        parts.length === 1 ? parts[0] : parts.length > 1 ? { kind: 'Sequence', nodes: parts } : undefined;
    } else if (roots[0]) {
      node = build.toPlanNode(roots[0]);
    }
    return {
      kind: 'QueryPlan',
      operationKind: operation.kind,
      node,
      selections: operation.selections,
      hasIntrospection,
    };
  }

  /**
   * Where a query root field is fetched: one subgraph when one can plan it all, otherwise (a shareable field
   * whose sub-selection no single subgraph has) parts of it from several subgraphs in parallel.
   */
  private rootParts(
    build: PlanBuilder,
    rootType: string,
    f: FieldSelection,
    operation: NormalizedOperation,
    previous?: string,
  ): Array<[string, FieldSelection]> {
    try {
      return [[this.chooseRootGraph(rootType, f, operation, previous), f]];
    } catch (error) {
      const candidates = this.supergraph.types.get(rootType)?.fields.get(f.name)?.resolvableIn ?? [];
      if (!(error instanceof PlanningError) || candidates.length < 2) throw error;
      const parts = build.splitAcross(candidates, rootType, [], f, 0, false);
      if (!parts) throw error;
      return parts;
    }
  }

  /** Among the subgraphs that resolve a root field, the one whose subtree needs the fewest fetches. */
  private chooseRootGraph(
    rootType: string,
    f: FieldSelection,
    operation: NormalizedOperation,
    previous?: string,
  ): string {
    const info = this.supergraph.types.get(rootType)?.fields.get(f.name);
    const candidates = info?.resolvableIn ?? [];
    if (candidates.length === 0) throw new PlanningError(`no subgraph resolves ${rootType}.${f.name}`);
    if (candidates.length === 1) return candidates[0]!;
    let best: string | undefined;
    let bestCost = Infinity;
    for (const graph of candidates) {
      let cost: number;
      try {
        const trial = new PlanBuilder(this.supergraph, operation);
        const group = trial.newGroup(graph, [], false);
        trial.planObject(group, group.selections, rootType, [], undefined, [f], 0);
        // Fewest fetches first; on a tie, the subgraph that answers most of the selection itself.
        cost =
          (trial.groupCount() * 2 - (graph === previous ? 1 : 0)) * 100_000 - countFields(group.selections);
      } catch {
        cost = Infinity;
      }
      if (cost < bestCost) {
        bestCost = cost;
        best = graph;
      }
    }
    if (!best) throw new PlanningError(`cannot plan ${rootType}.${f.name} from any subgraph`);
    return best;
  }
}

class PlanBuilder {
  private readonly groups: Group[] = [];
  private readonly rootTypes: ReadonlySet<string>;
  private readonly entityGroups = new Map<string, Group>();
  private nextId = 0;

  constructor(
    private readonly supergraph: Supergraph,
    private readonly operation: NormalizedOperation,
    /** Trial results shared by a plan's builders: nested look-aheads ask the same questions again. */
    private readonly trials = new Map<string, number>(),
  ) {
    const { schema } = supergraph;
    this.rootTypes = new Set(
      [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].flatMap((t) =>
        t ? [t.name] : [],
      ),
    );
  }

  groupCount(): number {
    return this.groups.length;
  }

  newGroup(graph: string, path: string[], entity: boolean): Group {
    const group: Group = {
      id: this.nextId++,
      graph,
      path,
      entity,
      selections: [],
      inputs: new Map(),
      dependsOn: new Set(),
    };
    this.groups.push(group);
    return group;
  }

  /** Plans a selection at a position whose declared type may be abstract. Returns the groups used. */
  planSelectionSet(
    group: Group,
    target: Selection[],
    typeName: string,
    path: string[],
    provided: Selection[] | undefined,
    selections: Selection[],
    depth: number,
    sharedIn?: readonly string[],
  ): Set<Group> {
    const { schema } = this.supergraph;
    const type = schema.getType(typeName);
    if (!isAbstractType(type)) {
      return this.planObject(
        group,
        target,
        typeName,
        path,
        provided,
        collectFields(schema, typeName, selections),
        depth,
        false,
        sharedIn,
      );
    }
    const used = new Set<Group>([group]);
    addField(target, { kind: 'field', name: '__typename', responseKey: '__typename', args: [] }, false);
    const typeInfo = this.supergraph.types.get(typeName);
    const asInterfaceObject = typeInfo?.graphs.get(group.graph)?.isInterfaceObject === true;
    if (asInterfaceObject)
      return this.planInterfaceObject(group, target, typeName, path, provided, selections, depth);
    const runtimes = possibleTypes(this.supergraph, typeName);
    if (runtimes.length === 0 && isInterfaceType(type)) {
      // No object implements the interface: its fields must still be resolvable here, or planning fails.
      const fields = collectFields(schema, typeName, selections).filter((f) => f.name !== '__typename');
      for (const g of this.planObject(group, target, typeName, path, provided, fields, depth)) used.add(g);
      return used;
    }
    for (const runtime of runtimes) {
      const fields = collectFields(schema, runtime.name, selections);
      if (fields.length === 0) continue;
      if (!this.typeInGraph(runtime.name, typeName, group.graph)) continue;
      // Below a field several subgraphs share, a union member is only asked for where every one of them has it.
      if (
        sharedIn &&
        sharedIn.length > 1 &&
        isUnionType(type) &&
        !this.memberEverywhere(typeInfo, runtime.name, sharedIn)
      )
        continue;
      const fragment = addFragment(target, runtime.name);
      const objPath = [...path, `... on ${runtime.name}`];
      for (const g of this.planObject(
        group,
        fragment.selections,
        runtime.name,
        objPath,
        provided,
        fields,
        depth,
        false,
        sharedIn,
      ))
        used.add(g);
    }
    return used;
  }

  /**
   * A position typed by an interface that this subgraph only knows as an `@interfaceObject`: interface fields
   * come from here; `__typename` and type-specific fields come from a subgraph that has the real interface.
   */
  private planInterfaceObject(
    group: Group,
    target: Selection[],
    typeName: string,
    path: string[],
    provided: Selection[] | undefined,
    selections: Selection[],
    depth: number,
  ): Set<Group> {
    const { schema } = this.supergraph;
    const interfaceFields = collectFields(schema, typeName, selections);
    const handled = new Set(interfaceFields.filter((f) => f.name !== '__typename').map((f) => f.responseKey));
    const used = this.planObject(
      group,
      target,
      typeName,
      path,
      provided,
      interfaceFields.filter((f) => f.name !== '__typename'),
      depth,
    );
    const concrete: Selection[] = [];
    let needsTypename = interfaceFields.some((f) => f.name === '__typename');
    for (const runtime of possibleTypes(this.supergraph, typeName)) {
      const extra = collectFields(schema, runtime.name, selections).filter(
        (f) => !handled.has(f.responseKey),
      );
      if (extra.length === 0) continue;
      needsTypename = true;
      concrete.push({ kind: 'fragment', typeCondition: runtime.name, selections: extra });
    }
    if (!needsTypename) return used;
    const info = this.supergraph.types.get(typeName);
    const owner = [...(info?.graphs.values() ?? [])].find(
      (g) => !g.isInterfaceObject && g.keys.some((k) => k.resolvable),
    );
    if (!owner)
      throw new PlanningError(
        `cannot find the concrete type of ${typeName}: no subgraph defines it as an entity interface`,
      );
    const route: Route = {
      graph: owner.graph,
      sendAs: typeName,
      keys: owner.keys.filter((k) => k.resolvable).map((k) => k.fields),
    };
    const { key } = this.chooseKey(route, group.graph, provided);
    const keyFields = avoidConflicts(
      target,
      collectFields(schema, typeName, [
        { kind: 'field', name: '__typename', responseKey: '__typename', args: [] },
        ...key,
      ]),
    );
    for (const g of this.planObject(group, target, typeName, path, provided, keyFields, depth + 1))
      used.add(g);
    const groupKey = this.groupKey(path, owner.graph, 'typename');
    let entity = this.entityGroups.get(groupKey);
    if (!entity) {
      entity = this.newGroup(owner.graph, path, true);
      this.entityGroups.set(groupKey, entity);
      entity.inputs.set(typeName, {
        typename: typeName,
        sendAs: typeName,
        input: keyFields,
        keys: keyNames(key),
      });
    }
    entity.dependsOn.add(group);
    const fragment = addFragment(entity.selections, typeName);
    for (const g of this.planSelectionSet(
      entity,
      fragment.selections,
      typeName,
      path,
      undefined,
      concrete,
      depth,
    ))
      used.add(g);
    return used;
  }

  /**
   * The subgraphs that could answer a field at this position: those resolving it, and, below a value type,
   * only those that could also have answered the path down to it.
   */
  private sharedCandidates(
    parent: string,
    resolvableIn: readonly string[],
    parentCandidates: readonly string[] | undefined,
  ): readonly string[] | undefined {
    const info = this.supergraph.types.get(parent);
    const isRoot = this.rootTypes.has(parent);
    const isEntity = [...(info?.graphs.values() ?? [])].some((g) => g.keys.some((k) => k.resolvable));
    let out: readonly string[];
    if (isRoot) out = resolvableIn;
    else if (isEntity) out = resolvableIn.filter((g) => info?.graphs.get(g)?.keys.some((k) => k.resolvable));
    else out = parentCandidates ? resolvableIn.filter((g) => parentCandidates.includes(g)) : resolvableIn;
    return out;
  }

  private memberEverywhere(union: TypeInfo | undefined, member: string, graphs: readonly string[]): boolean {
    return graphs.every((g) => union?.unionMembersIn.get(g)?.has(member) ?? true);
  }

  private typeInGraph(runtime: string, abstractName: string, graph: string): boolean {
    const info = this.supergraph.types.get(runtime);
    if (!info?.graphs.has(graph)) return false;
    const abstractInfo = this.supergraph.types.get(abstractName);
    if (!abstractInfo) return false;
    const members = abstractInfo.unionMembersIn.get(graph);
    if (members) return members.has(runtime);
    const impl = info.implementsIn.get(graph);
    if (isInterfaceType(this.supergraph.schema.getType(abstractName))) {
      return impl ? impl.has(abstractName) : info.implementsIn.size === 0;
    }
    return abstractInfo.unionMembersIn.size === 0;
  }

  /** Whether `graph` can return field `name` on `typeName` at this position. */
  private canResolve(
    graph: string,
    typeName: string,
    name: string,
    provided: Selection[] | undefined,
  ): boolean {
    if (name === '__typename') return true;
    const info = this.supergraph.types.get(typeName);
    const typeInGraph = info?.graphs.get(graph);
    if (!info || !typeInGraph) return false;
    const field = info.fields.get(name);
    if (!field) return false;
    if (field.resolvableIn.includes(graph)) return true;
    if (provided && collectFields(this.supergraph.schema, typeName, provided).some((p) => p.name === name))
      return true;
    // A subgraph can return the fields of its own keys, unless it marks them @external (another subgraph owns them).
    if (field.sources.get(graph)?.external) return false;
    return typeInGraph.keys.some((k) => k.fields.some((s) => s.kind === 'field' && s.name === name));
  }

  /** Plans fields of a known object (or interface-object) type. Returns the groups that received fields. */
  planObject(
    group: Group,
    target: Selection[],
    typeName: string,
    path: string[],
    provided: Selection[] | undefined,
    fields: FieldSelection[],
    depth: number,
    requiresReady = false,
    candidates?: readonly string[],
  ): Set<Group> {
    const { schema } = this.supergraph;
    const used = new Set<Group>([group]);
    const pending: FieldSelection[] = [];
    const objectType = schema.getType(typeName);
    if (!objectType || !('getFields' in objectType))
      throw new PlanningError(`type ${typeName} has no fields`);
    for (const f of fields) {
      if (f.name === '__typename') {
        addField(target, f, false);
        continue;
      }
      if (!this.canResolve(group.graph, typeName, f.name, provided)) {
        pending.push(f);
        continue;
      }
      // A field with @requires needs its required fields first: it is fetched again through `_entities`.
      if (
        !requiresReady &&
        this.supergraph.types.get(typeName)?.fields.get(f.name)?.sources.get(group.graph)?.requires
      ) {
        pending.push(f);
        continue;
      }
      const definition = objectType.getFields()[f.name];
      if (!definition) throw new PlanningError(`field ${typeName}.${f.name} does not exist`);
      if (!f.selections) {
        addField(target, f, false);
        continue;
      }
      const existedBefore = target.some((t) => t.kind === 'field' && fieldIdentity(t) === fieldIdentity(f));
      const node = addField(target, f, true);
      const fieldInfo = this.supergraph.types.get(typeName)?.fields.get(f.name);
      const source = fieldInfo?.sources.get(group.graph);
      // The subgraph may declare a narrower type (`Book` where the supergraph says `Media`): plan against it.
      const childType =
        (source?.type && schema.getType(source.type.replace(/[[\]!\s]/g, ''))) ||
        getNamedType(definition.type);
      const sharedIn = this.sharedCandidates(typeName, fieldInfo?.resolvableIn ?? [], candidates);
      let childProvided: Selection[] | undefined;
      if (provided) {
        const p = collectFields(schema, typeName, provided).find((x) => x.name === f.name);
        if (p?.selections) childProvided = [...p.selections];
      }
      if (source?.provides) childProvided = [...(childProvided ?? []), ...source.provides];
      const childPath = [...path, f.responseKey, ...listMarkers(definition.type as GraphQLOutputType)];
      try {
        for (const g of this.planSelectionSet(
          group,
          node.selections!,
          childType.name,
          childPath,
          childProvided,
          f.selections,
          depth,
          sharedIn,
        ))
          used.add(g);
      } catch (error) {
        // The sub-selection cannot be completed from here (e.g. a value type whose other fields live elsewhere):
        // fetch the whole field from a subgraph that can, through the parent entity's key.
        const alternatives = this.routesFor(typeName, f.name).filter((r) => r.graph !== group.graph);
        if (!(error instanceof PlanningError) || alternatives.length === 0 || requiresReady) throw error;
        if (!existedBefore) target.splice(target.indexOf(node), 1);
        pending.push(f);
      }
    }
    if (pending.length > 0)
      for (const g of this.planPending(group, target, typeName, path, provided, pending, depth)) used.add(g);
    return used;
  }

  /** Fields the current subgraph cannot resolve: fetched through `_entities` from other subgraphs. */
  private planPending(
    group: Group,
    target: Selection[],
    typeName: string,
    path: string[],
    provided: Selection[] | undefined,
    pending: FieldSelection[],
    depth: number,
  ): Set<Group> {
    if (depth > MAX_KEY_DEPTH)
      throw new PlanningError(
        `cannot plan ${typeName} at ${path.join('.') || 'the root'}: no usable key path`,
      );
    const used = new Set<Group>();
    const typeInfo = this.supergraph.types.get(typeName);
    if (!typeInfo) throw new PlanningError(`unknown type ${typeName}`);
    const routes = pending.map((f) => {
      const all = this.routesFor(typeName, f.name);
      // A field the current subgraph could not complete goes elsewhere when another subgraph can take it.
      const elsewhere = all.filter((r) => r.graph !== group.graph);
      return {
        f,
        options:
          elsewhere.length > 0 &&
          this.canResolve(group.graph, typeName, f.name, provided) &&
          !this.hasRequires(typeName, f.name, group.graph)
            ? elsewhere
            : all,
      };
    });
    for (const { f, options } of routes) {
      if (options.length === 0) {
        throw new PlanningError(
          `cannot plan field ${typeName}.${f.name}: no subgraph with a resolvable key for ${typeName} can resolve it from "${group.graph}"`,
        );
      }
      // With a choice, look ahead: a subgraph that can plan the whole sub-selection comes first.
      const lookAhead = !!f.selections && options.length > 1;
      const completes = new Map<Route, boolean>();
      for (const o of options)
        completes.set(o, !lookAhead || this.trialCost(o.graph, o.sendAs, path, f, depth, true) < Infinity);
      // Then a subgraph that already has a fetch here, then the one that resolves most pending fields.
      const score = (o: Route) => {
        const existing = this.entityGroups.has(this.groupKey(path, o.graph, ''));
        const coverage = routes.filter((r) => r.options.some((x) => x.graph === o.graph)).length;
        const keyUsable = this.chooseKey(o, group.graph, provided).usable ? 1 : 0;
        return (completes.get(o) ? 10_000 : 0) + (existing ? 1000 : 0) + keyUsable * 100 + coverage;
      };
      let route = options[0]!;
      for (const o of options) if (score(o) > score(route)) route = o;
      if (lookAhead && !completes.get(route)) {
        // No single subgraph can: each part of the sub-selection goes to one that can, fetched in parallel.
        const parts = this.splitAcross(
          options.map((o) => o.graph),
          route.sendAs,
          path,
          f,
          depth,
          true,
        );
        if (parts) {
          for (const [graph, part] of parts) {
            const partRoute = options.find((o) => o.graph === graph)!;
            for (const g of this.planPendingField(
              group,
              target,
              typeName,
              path,
              provided,
              part,
              partRoute,
              depth,
            ))
              used.add(g);
          }
          continue;
        }
      }
      for (const g of this.planPendingField(group, target, typeName, path, provided, f, route, depth))
        used.add(g);
    }
    return used;
  }

  /** Fetches one field through `_entities` from the subgraph of `route`, after the key (and requirements). */
  private planPendingField(
    group: Group,
    target: Selection[],
    typeName: string,
    path: string[],
    provided: Selection[] | undefined,
    f: FieldSelection,
    route: Route,
    depth: number,
  ): Set<Group> {
    const used = new Set<Group>();
    {
      const source = this.supergraph.types.get(route.sendAs)?.fields.get(f.name)?.sources.get(route.graph);
      const { key } = this.chooseKey(route, group.graph, provided);

      // Key fields (and required fields) are planned where the object lives, possibly through further hops.
      const keyFields = avoidConflicts(
        target,
        collectFields(this.supergraph.schema, typeName, [
          { kind: 'field', name: '__typename', responseKey: '__typename', args: [] },
          ...key,
        ]),
      );
      const inputGroups = this.planObject(group, target, typeName, path, provided, keyFields, depth + 1);
      let input: Selection[] = [...keyFields];
      let requiresFrom = new Set<Group>();
      if (source?.requires) {
        const requiredFields = avoidConflicts(
          target,
          collectFields(this.supergraph.schema, typeName, source.requires),
        );
        requiresFrom = this.planObject(group, target, typeName, path, provided, requiredFields, depth + 1);
        input = [...input, ...requiredFields];
      }
      const deps = new Set<Group>([...inputGroups, ...requiresFrom]);
      const extraDeps = [...deps].filter((g) => g !== group);
      const suffix = extraDeps.length > 0 ? `after:${extraDeps.map((g) => g.id).join(',')}` : '';
      let key2 = this.groupKey(path, route.graph, suffix);
      let entity = this.entityGroups.get(key2);
      for (let n = 1; entity && inputsConflict(entity.inputs.get(typeName)?.input ?? [], input); n++) {
        key2 = this.groupKey(path, route.graph, `${suffix}#${n}`);
        entity = this.entityGroups.get(key2);
      }
      if (!entity) {
        entity = this.newGroup(route.graph, path, true);
        this.entityGroups.set(key2, entity);
      }
      for (const d of deps) if (d !== entity) entity.dependsOn.add(d);
      const existingInput = entity.inputs.get(typeName);
      if (existingInput) mergeInto(existingInput.input, this.concreteConditions(input));
      else {
        const merged: Selection[] = [];
        mergeInto(merged, this.concreteConditions(input));
        entity.inputs.set(typeName, {
          typename: typeName,
          sendAs: route.sendAs,
          input: merged,
          keys: keyNames(key),
        });
      }
      const fragment = addFragment(entity.selections, route.sendAs);
      for (const g of this.planObject(
        entity,
        fragment.selections,
        route.sendAs,
        path,
        undefined,
        [f],
        depth,
        true,
      ))
        used.add(g);
    }
    return used;
  }

  /**
   * The number of fetches a subgraph needs to answer `f` on an object of `typeName` it is handed (Infinity when
   * it cannot), planned on a scratch builder so that nothing of the attempt remains.
   */
  trialCost(
    graph: string,
    typeName: string,
    path: string[],
    f: FieldSelection,
    depth: number,
    entity: boolean,
  ): number {
    const key = `${graph}|${typeName}|${path.join('.')}|${depth}|${entity}|${printSelections([f])}`;
    const known = this.trials.get(key);
    if (known !== undefined) return known;
    let cost: number;
    try {
      const trial = new PlanBuilder(this.supergraph, this.operation, this.trials);
      const start = trial.newGroup(graph, path, entity);
      trial.planObject(start, start.selections, typeName, path, undefined, [f], depth, entity);
      cost = trial.groupCount();
    } catch (error) {
      if (!(error instanceof PlanningError)) throw error;
      cost = Infinity;
    }
    this.trials.set(key, cost);
    return cost;
  }

  /**
   * Splits the sub-selection of `f` (a value-type field) among subgraphs: each sub-field goes to a subgraph that
   * can plan it, preferring one already chosen. Undefined when some sub-field fits none.
   */
  splitAcross(
    graphs: readonly string[],
    typeName: string,
    path: string[],
    f: FieldSelection,
    depth: number,
    entity: boolean,
  ): Array<[string, FieldSelection]> | undefined {
    const { schema } = this.supergraph;
    const parent = schema.getType(typeName);
    const definition = parent && 'getFields' in parent ? parent.getFields()[f.name] : undefined;
    if (!definition || !f.selections) return undefined;
    const child = getNamedType(definition.type);
    if (isAbstractType(child)) return undefined;
    const assigned = new Map<string, Selection[]>();
    const typenames: Selection[] = [];
    for (const sub of collectFields(schema, child.name, f.selections)) {
      if (sub.name === '__typename') {
        typenames.push(sub);
        continue;
      }
      const part: FieldSelection = { ...f, selections: [sub] };
      let best: string | undefined;
      let bestCost = Infinity;
      for (const graph of graphs) {
        const cost = this.trialCost(graph, typeName, path, part, depth, entity);
        if (cost === Infinity) continue;
        const adjusted = assigned.has(graph) ? cost - 1000 : cost;
        if (adjusted < bestCost) {
          bestCost = adjusted;
          best = graph;
        }
      }
      if (!best) return undefined;
      assigned.set(best, [...(assigned.get(best) ?? []), sub]);
    }
    const parts = [...assigned];
    if (parts.length === 0) return undefined;
    parts[0]![1].unshift(...typenames);
    return parts.map(([graph, selections]) => [graph, { ...f, selections }]);
  }

  /**
   * Representations are projected by `__typename`: a fragment on an interface or union becomes one fragment per
   * object type it applies to, so the executor needs no schema to decide what to copy.
   */
  private concreteConditions(selections: readonly Selection[]): Selection[] {
    const { schema } = this.supergraph;
    const out: Selection[] = [];
    for (const sel of selections) {
      if (sel.kind === 'field') {
        out.push(sel.selections ? { ...sel, selections: this.concreteConditions(sel.selections) } : sel);
        continue;
      }
      const inner = this.concreteConditions(sel.selections);
      const condition = sel.typeCondition ? schema.getType(sel.typeCondition) : undefined;
      if (!condition || !isAbstractType(condition)) {
        out.push({ ...sel, selections: inner });
        continue;
      }
      for (const runtime of schema.getPossibleTypes(condition))
        out.push({ kind: 'fragment', typeCondition: runtime.name, selections: inner });
    }
    return out;
  }

  private hasRequires(typeName: string, fieldName: string, graph: string): boolean {
    return !!this.supergraph.types.get(typeName)?.fields.get(fieldName)?.sources.get(graph)?.requires;
  }

  private groupKey(path: string[], graph: string, suffix: string): string {
    return `${path.join('.')}|${graph}|${suffix}`;
  }

  /** Subgraphs (and the type name they know the object by) that can resolve a field through a key. */
  private routesFor(typeName: string, fieldName: string): Route[] {
    const routes: Route[] = [];
    const info = this.supergraph.types.get(typeName);
    const field = info?.fields.get(fieldName);
    if (!info || !field) return routes;
    for (const graph of field.resolvableIn) {
      const keys = info.graphs.get(graph)?.keys.filter((k) => k.resolvable) ?? [];
      if (keys.length > 0) routes.push({ graph, sendAs: typeName, keys: keys.map((k) => k.fields) });
    }
    if (routes.length === 0) {
      // Fields contributed by an @interfaceObject: ask that subgraph with the interface as the typename.
      const object = this.supergraph.schema.getType(typeName);
      const interfaces = object && 'getInterfaces' in object ? object.getInterfaces() : [];
      for (const iface of interfaces) {
        const ifaceInfo = this.supergraph.types.get(iface.name);
        const ifaceField = ifaceInfo?.fields.get(fieldName);
        if (!ifaceInfo || !ifaceField) continue;
        for (const graph of ifaceField.resolvableIn) {
          const entry = ifaceInfo.graphs.get(graph);
          const keys = entry?.keys.filter((k) => k.resolvable) ?? [];
          if (entry?.isInterfaceObject && keys.length > 0)
            routes.push({ graph, sendAs: iface.name, keys: keys.map((k) => k.fields) });
        }
      }
    }
    return routes;
  }

  private chooseKey(
    route: Route,
    fromGraph: string,
    provided: Selection[] | undefined,
  ): { key: Selection[]; usable: boolean } {
    for (const key of route.keys) {
      const ok = key.every(
        (s) => s.kind === 'field' && this.canResolve(fromGraph, route.sendAs, s.name, provided),
      );
      if (ok) return { key, usable: true };
    }
    return { key: route.keys[0]!, usable: false };
  }

  /** Turns the groups reachable from `roots` into Fetch/Flatten/Sequence/Parallel nodes. */
  toPlanNode(roots: Group[]): PlanNode {
    const reachable = new Set<Group>(roots);
    let grew = true;
    while (grew) {
      grew = false;
      for (const g of this.groups) {
        if (reachable.has(g)) continue;
        if ([...g.dependsOn].some((d) => reachable.has(d))) {
          reachable.add(g);
          grew = true;
        }
      }
    }
    const members = this.groups.filter((g) => reachable.has(g) && (g.selections.length > 0 || !g.entity));
    const children = new Map<Group, Group[]>();
    const isForest = members.every((g) => g.dependsOn.size <= 1);
    if (isForest) {
      for (const g of members) {
        const [parent] = g.dependsOn;
        if (parent) children.set(parent, [...(children.get(parent) ?? []), g]);
      }
      const subtree = (g: Group): PlanNode => {
        const own = this.fetchNode(g);
        const kids = (children.get(g) ?? []).map(subtree);
        if (kids.length === 0) return own;
        return {
          kind: 'Sequence',
          nodes: [own, kids.length === 1 ? kids[0]! : { kind: 'Parallel', nodes: kids }],
        };
      };
      const top = roots.map(subtree);
      return top.length === 1 ? top[0]! : { kind: 'Parallel', nodes: top };
    }
    // General dependency graph: run in waves by longest distance from a root.
    const level = new Map<Group, number>();
    const levelOf = (g: Group): number => {
      const known = level.get(g);
      if (known !== undefined) return known;
      level.set(g, 0);
      let l = 0;
      for (const d of g.dependsOn) if (reachable.has(d)) l = Math.max(l, levelOf(d) + 1);
      level.set(g, l);
      return l;
    };
    const waves: Group[][] = [];
    for (const g of members) {
      const l = levelOf(g);
      (waves[l] ??= []).push(g);
    }
    const nodes = waves
      .filter((w) => w && w.length > 0)
      .map((w): PlanNode =>
        w.length === 1 ? this.fetchNode(w[0]!) : { kind: 'Parallel', nodes: w.map((g) => this.fetchNode(g)) },
      );
    return nodes.length === 1 ? nodes[0]! : { kind: 'Sequence', nodes };
  }

  private fetchNode(group: Group): PlanNode {
    const variables = new Set<string>();
    collectVariables(group.selections, variables);
    const usages = [...variables].sort();
    const defs = usages.map((v) => `$${v}: ${this.operation.variableTypes.get(v) ?? 'String'}`);
    const kind: OperationKind = group.entity ? 'query' : this.operation.kind;
    const name = this.operation.name
      ? ` ${this.operation.name}__${group.graph.replace(/[^A-Za-z0-9_]/g, '_')}__${group.id}`
      : '';
    const rootType = this.supergraph.schema.getRootType(kind as OperationTypeNode)?.name ?? 'Query';
    const { selections, restore } = aliasTypeConflicts(
      this.supergraph,
      group.graph,
      group.entity ? '_Entity' : rootType,
      group.selections,
    );
    let operation: string;
    if (group.entity) {
      const allDefs = ['$representations: [_Any!]!', ...defs].join(', ');
      operation = `query${name}(${allDefs}) { _entities(representations: $representations) {${printSelections(selections)}} }`;
    } else {
      operation = `${kind}${name}${defs.length > 0 ? `(${defs.join(', ')})` : ''} {${printSelections(selections)}}`;
    }
    const fetch: FetchNode = {
      kind: 'Fetch',
      id: group.id,
      serviceName: group.graph,
      operationKind: kind,
      operation,
      variableUsages: usages,
      inputs: group.entity ? [...group.inputs.values()] : undefined,
      ...(restore ? { restore } : {}),
    };
    return group.entity ? { kind: 'Flatten', path: group.path.map((p) => p), node: fetch } : fetch;
  }
}

interface Route {
  graph: string;
  /** Typename used in representations (the interface name for @interfaceObject subgraphs). */
  sendAs: string;
  keys: Selection[][];
}
