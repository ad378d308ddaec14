import type {
  InputTypeInstanceToProvide,
  RenderedPlaybook,
  TypeInstance,
  TypeInstanceRef,
} from '@switchyard/engine-client';
import type { CatalogRecord } from '../storage/catalog-store.js';
import { outlinePlaybook, type PlaybookOutline } from '@switchyard/playbook-dsl';
import { checkJsonSchema, schemaFromWorkload } from './json-schema.js';

/** A problem found while rendering; the message names the (nested) playbook and the problem. */
export class RenderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RenderError';
  }
}

export interface RenderCatalog {
  latest(path: string): Promise<CatalogRecord | undefined>;
  get(path: string, version: number): Promise<CatalogRecord | undefined>;
}

export interface RenderInput {
  path: string;
  /** Catalog version; undefined means the latest. */
  revision?: number;
  parameters: Record<string, unknown>;
  typeInstances: TypeInstanceRef[];
  advanced: boolean;
  /** TypeInstances chosen in earlier advanced iterations, by node key. */
  supplied: Record<string, TypeInstanceRef[]>;
  /** Advanced iterations already answered. */
  iteration: number;
}

export type RenderOutcome =
  | { kind: 'ready'; tree: RenderedPlaybook; iterations: number }
  | {
      kind: 'iteration';
      tree: RenderedPlaybook;
      nodeKey: string;
      offered: InputTypeInstanceToProvide[];
    };

export interface RendererOptions {
  catalog: RenderCatalog;
  typeInstance: (id: string) => Promise<TypeInstance | undefined>;
  /** Most levels of nesting below the root. Default 10. */
  maxDepth?: number;
}

interface Node {
  key: string;
  rendered: RenderedPlaybook;
  outline: PlaybookOutline;
  label: string;
}

const TEMPLATE = /\{\{|\{%/;

/** Drops template strings (resolved only at run time) so only literal values are checked. */
function literalArgs(args: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(args).filter(([, v]) => !(typeof v === 'string' && TEMPLATE.test(v))),
  );
}

/**
 * Renders an Action: resolves every nested `kind: playbook` step recursively from the catalog (with a depth
 * limit and cycle detection), validates parameters and TypeInstances, and in advanced mode stops at each
 * playbook that declares optional TypeInstance inputs.
 */
export class ActionRenderer {
  private readonly maxDepth: number;

  constructor(private readonly options: RendererOptions) {
    this.maxDepth = options.maxDepth ?? 10;
  }

  async render(input: RenderInput): Promise<RenderOutcome> {
    const nodes: Node[] = [];
    const root = await this.resolve(
      { path: input.path, version: input.revision, step: null, args: input.parameters },
      [],
      'root',
      nodes,
    );
    await this.checkParameters(nodes, input.parameters);

    const given = new Map(input.typeInstances.map((t) => [t.name, t]));
    const declared = new Set(nodes.flatMap((n) => n.outline.typeInstances.map((t) => t.name)));
    for (const name of given.keys())
      if (!declared.has(name))
        throw new RenderError(
          `TypeInstance input "${name}" is not declared by any playbook of ${input.path}`,
        );

    const stops: Node[] = [];
    for (const node of nodes) {
      const refs: TypeInstanceRef[] = [];
      const supplied = new Map((input.supplied[node.key] ?? []).map((t) => [t.name, t]));
      let offersOptional = false;
      for (const decl of node.outline.typeInstances) {
        // A stop of advanced mode: an optional input the Action's own input left open.
        if (decl.optional && !given.has(decl.name)) offersOptional = true;
        const ref = given.get(decl.name) ?? supplied.get(decl.name);
        if (!ref) {
          if (!decl.optional)
            throw new RenderError(
              `${node.label}: required TypeInstance "${decl.name}" (${decl.typeRef.path}@${decl.typeRef.revision}) is missing`,
            );
          continue;
        }
        const instance = await this.options.typeInstance(ref.id);
        if (!instance)
          throw new RenderError(
            `${node.label}: TypeInstance "${decl.name}" refers to ${ref.id}, which does not exist`,
          );
        if (
          instance.typeRef.path !== decl.typeRef.path ||
          instance.typeRef.revision !== decl.typeRef.revision
        )
          throw new RenderError(
            `${node.label}: TypeInstance "${decl.name}" must be ${decl.typeRef.path}@${decl.typeRef.revision}, ` +
              `but ${ref.id} is ${instance.typeRef.path}@${instance.typeRef.revision ?? ''}`,
          );
        refs.push({ name: decl.name, id: ref.id });
      }
      node.rendered.typeInstances = refs;
      if (offersOptional) stops.push(node);
    }

    if (input.advanced && input.iteration < stops.length) {
      const stop = stops[input.iteration]!;
      return {
        kind: 'iteration',
        tree: root,
        nodeKey: stop.key,
        offered: stop.outline.typeInstances
          .filter((d) => d.optional && !given.has(d.name))
          .map((d) => ({
            name: d.name,
            typeRef: { path: d.typeRef.path, revision: d.typeRef.revision },
            optional: true,
            playbookPath: stop.rendered.path,
          })),
      };
    }
    return { kind: 'ready', tree: root, iterations: input.advanced ? stops.length : 0 };
  }

  /** Loads one playbook of the tree and, depth first, every playbook it calls. */
  private async resolve(
    call: { path: string; version?: number | undefined; step: string | null; args: Record<string, unknown> },
    ancestors: string[],
    key: string,
    nodes: Node[],
  ): Promise<RenderedPlaybook> {
    const parent = ancestors.at(-1);
    const label =
      parent === undefined
        ? `playbook ${call.path}`
        : `nested playbook ${call.path} (step ${call.step ?? '?'} of ${parent})`;
    if (ancestors.includes(call.path))
      throw new RenderError(`${label}: cycle detected: ${[...ancestors, call.path].join(' -> ')}`);
    if (ancestors.length > this.maxDepth)
      throw new RenderError(
        `${label}: nesting deeper than ${this.maxDepth} levels (${[...ancestors, call.path].join(' -> ')})`,
      );
    const record =
      call.version === undefined
        ? await this.options.catalog.latest(call.path)
        : await this.options.catalog.get(call.path, call.version);
    if (!record)
      throw new RenderError(
        `${label}: not registered${call.version === undefined ? '' : ` in version ${call.version}`}`,
      );
    let outline: PlaybookOutline;
    try {
      outline = outlinePlaybook(record.content);
    } catch (error) {
      throw new RenderError(`${label}: ${(error as Error).message}`);
    }
    const rendered: RenderedPlaybook = {
      path: record.path,
      revision: String(record.version),
      step: call.step,
      args: call.args,
      typeInstances: [],
      children: [],
    };
    nodes.push({ key, rendered, outline, label });
    for (const nested of outline.calls) {
      rendered.children.push(
        await this.resolve(
          { path: nested.path, version: nested.version, step: nested.step, args: nested.args },
          [...ancestors, record.path],
          `${key}/${nested.step}`,
          nodes,
        ),
      );
    }
    return rendered;
  }

  private async checkParameters(nodes: Node[], parameters: Record<string, unknown>): Promise<void> {
    for (const [i, node] of nodes.entries()) {
      const schema = node.outline.parameters ?? schemaFromWorkload(node.outline.workload);
      let problems: string[];
      if (i === 0) problems = checkJsonSchema(schema, parameters);
      else {
        // A template arg counts as present, but its value is only known at run time.
        const args = node.rendered.args;
        const required = Array.isArray(schema.required) ? schema.required.map(String) : [];
        problems = [
          ...required.filter((k) => !(k in args)).map((k) => `/${k} is required`),
          ...checkJsonSchema({ ...schema, required: [] }, literalArgs(args)),
        ];
      }
      if (problems.length) throw new RenderError(`${node.label}: invalid parameters: ${problems.join('; ')}`);
    }
  }
}
