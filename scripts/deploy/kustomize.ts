import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

/** A Kubernetes object as rendered. */
export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [k: string]: unknown };
  [k: string]: unknown;
};

export interface RenderOptions {
  /** Stand-in contents for files the renderer reads, by file name (e.g. an uncommitted `secrets.env`). */
  files?: Record<string, string>;
}

interface Kustomization {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  resources?: string[];
  labels?: Array<{ pairs: Record<string, string>; includeSelectors?: boolean; includeTemplates?: boolean }>;
  images?: Array<{ name: string; newName?: string; newTag?: string }>;
  secretGenerator?: Array<{ name: string; envs?: string[]; literals?: string[]; type?: string }>;
  generatorOptions?: { disableNameSuffixHash?: boolean };
  patches?: Array<{ path: string }>;
}

const SUPPORTED = new Set([
  'apiVersion',
  'kind',
  'namespace',
  'resources',
  'labels',
  'images',
  'secretGenerator',
  'generatorOptions',
  'patches',
]);
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'PersistentVolume',
  'StorageClass',
]);

const isObject = (v: unknown): v is Record<string, unknown> =>
  !!v && typeof v === 'object' && !Array.isArray(v);

function readText(path: string, options: RenderOptions): string {
  const stand = options.files?.[basename(path)];
  if (stand !== undefined && !existsSync(path)) return stand;
  return readFileSync(path, 'utf8');
}

function parseYamlObjects(text: string, origin: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length) throw new Error(`${origin}: ${doc.errors[0]!.message}`);
      return doc.toJS() as K8sObject | null;
    })
    .filter((o): o is K8sObject => o !== null);
}

/**
 * Strategic-merge subset: maps merge key by key, lists of maps that all carry `name` merge by name,
 * any other value (scalars, other lists) is replaced by the patch.
 */
export function strategicMerge(base: unknown, patch: unknown): unknown {
  if (isObject(base) && isObject(patch)) {
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(patch)) out[k] = k in base ? strategicMerge(base[k], v) : v;
    return out;
  }
  const named = (list: unknown): list is Array<Record<string, unknown>> =>
    Array.isArray(list) && list.every((i) => isObject(i) && typeof i.name === 'string');
  if (named(base) && named(patch)) {
    const out = base.map((item) => {
      const match = patch.find((p) => p.name === item.name);
      return match ? (strategicMerge(item, match) as Record<string, unknown>) : item;
    });
    for (const p of patch) if (!base.some((b) => b.name === p.name)) out.push(p);
    return out;
  }
  return patch;
}

function podTemplates(object: K8sObject): Array<Record<string, unknown>> {
  const spec = object.spec as Record<string, unknown> | undefined;
  const template = spec?.template as Record<string, unknown> | undefined;
  return template && isObject(template.spec) ? [template.spec] : [];
}

function applyImages(objects: K8sObject[], images: NonNullable<Kustomization['images']>) {
  for (const object of objects) {
    for (const pod of podTemplates(object)) {
      for (const key of ['containers', 'initContainers']) {
        for (const container of (pod[key] as Array<{ image?: string }> | undefined) ?? []) {
          if (!container.image) continue;
          const at = container.image.lastIndexOf(':');
          const name = at > container.image.lastIndexOf('/') ? container.image.slice(0, at) : container.image;
          const tag = at > container.image.lastIndexOf('/') ? container.image.slice(at + 1) : undefined;
          const rule = images.find((i) => i.name === name);
          if (!rule) continue;
          const newTag = rule.newTag ?? tag;
          container.image = `${rule.newName ?? name}${newTag ? `:${newTag}` : ''}`;
        }
      }
    }
  }
}

function parseEnvFile(text: string, origin: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) continue;
    const eq = trimmed.indexOf('=');
    if (eq <= 0) throw new Error(`${origin}: expected key=value, got ${JSON.stringify(trimmed)}`);
    out[trimmed.slice(0, eq)] = trimmed.slice(eq + 1);
  }
  return out;
}

/** Renders a kustomization directory (the subset of kustomize this repository uses) into objects. */
export function renderKustomization(dir: string, options: RenderOptions = {}): K8sObject[] {
  const root = resolve(dir);
  const file = join(root, 'kustomization.yaml');
  const k = parseYamlObjects(readText(file, options), file)[0] as unknown as Kustomization;
  for (const key of Object.keys(k)) {
    if (!SUPPORTED.has(key)) throw new Error(`${file}: the test renderer does not support "${key}"`);
  }
  let objects: K8sObject[] = [];
  for (const resource of k.resources ?? []) {
    const path = join(root, resource);
    objects.push(
      ...(statSync(path).isDirectory()
        ? renderKustomization(path, options)
        : parseYamlObjects(readText(path, options), path)),
    );
  }
  for (const generator of k.secretGenerator ?? []) {
    if (!k.generatorOptions?.disableNameSuffixHash) {
      throw new Error(`${file}: the test renderer needs generatorOptions.disableNameSuffixHash: true`);
    }
    const data: Record<string, string> = {};
    for (const env of generator.envs ?? [])
      Object.assign(data, parseEnvFile(readText(join(root, env), options), env));
    for (const literal of generator.literals ?? []) Object.assign(data, parseEnvFile(literal, file));
    objects.push({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: generator.name },
      type: generator.type ?? 'Opaque',
      data: Object.fromEntries(
        Object.entries(data).map(([key, v]) => [key, Buffer.from(v).toString('base64')]),
      ),
    });
  }
  for (const patch of k.patches ?? []) {
    const path = join(root, patch.path);
    for (const p of parseYamlObjects(readText(path, options), path)) {
      const index = objects.findIndex((o) => o.kind === p.kind && o.metadata.name === p.metadata.name);
      if (index < 0) throw new Error(`${path}: no ${p.kind} ${p.metadata.name} to patch`);
      objects[index] = strategicMerge(objects[index], p) as K8sObject;
    }
  }
  for (const label of k.labels ?? []) {
    if (label.includeSelectors)
      throw new Error(`${file}: includeSelectors is not supported by the test renderer`);
    objects = objects.map((o) => {
      const copy = structuredClone(o);
      copy.metadata.labels = { ...copy.metadata.labels, ...label.pairs };
      if (label.includeTemplates) {
        const template = (copy.spec as Record<string, Record<string, Record<string, unknown>>> | undefined)
          ?.template;
        if (template)
          template.metadata = {
            ...template.metadata,
            labels: { ...(template.metadata?.labels as object), ...label.pairs },
          };
      }
      return copy;
    });
  }
  if (k.images) applyImages(objects, k.images);
  if (k.namespace) {
    for (const o of objects) if (!CLUSTER_SCOPED.has(o.kind)) o.metadata.namespace = k.namespace;
  }
  return objects;
}
