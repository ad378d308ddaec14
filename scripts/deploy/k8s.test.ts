import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderKustomization, strategicMerge, type K8sObject } from './kustomize.ts';

const root = resolve(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);
const base = join(root, 'deploy/k8s/base');
const dev = join(root, 'deploy/k8s/overlays/dev');
/** secrets.env is not committed; the test renders the overlay with sample values in its place. */
const secretsEnv = readFileSync(join(dev, 'secrets.env.example'), 'utf8').replace(/=$/gm, '=sample-value');
const rendered = {
  base: renderKustomization(base),
  dev: renderKustomization(dev, { files: { 'secrets.env': secretsEnv } }),
};

/** Validates one object against the Kubernetes JSON schema of its apiVersion and kind (kubernetes-models). */
function validateObject(object: K8sObject): void {
  const [group, version] = object.apiVersion.includes('/')
    ? object.apiVersion.split('/')
    : ['', object.apiVersion];
  const modelPath = ['kubernetes-models', group, version].filter(Boolean).join('/');
  const module = require(modelPath) as Record<string, new (data: unknown) => { validate(): void }>;
  const Model = module[object.kind];
  if (!Model) throw new Error(`no schema for ${object.apiVersion} ${object.kind}`);
  const { apiVersion: _a, kind: _k, ...body } = object;
  new Model(body).validate();
}

const APP_SERVICES = ['astronauts', 'missions', 'router', 'connector-agent', 'engine', 'gateway'];
const find = (objects: K8sObject[], kind: string, name: string) =>
  objects.find((o) => o.kind === kind && o.metadata.name === name);
type Container = {
  name: string;
  image: string;
  env?: Array<{ name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }>;
  livenessProbe?: { httpGet?: { path: string } };
  readinessProbe?: { httpGet?: { path: string } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
};
const pod = (o: K8sObject) =>
  (
    o.spec as {
      template: { metadata: { labels: Record<string, string> }; spec: { containers: Container[] } };
    }
  ).template;
type Policy = {
  podSelector: { matchLabels?: Record<string, string> };
  ingress?: Array<{ from?: Array<{ podSelector?: { matchLabels?: Record<string, string> } }> }>;
};

describe.each(Object.entries(rendered))('kubernetes manifests (%s)', (name, objects) => {
  it('validate against the Kubernetes JSON schemas, object by object', () => {
    expect(objects.length).toBeGreaterThan(30);
    for (const object of objects) {
      expect(() => validateObject(object), `${object.kind}/${object.metadata.name}`).not.toThrow();
    }
  });

  it('run every service with /health and /ready probes, resources and a Service', () => {
    for (const service of [...APP_SERVICES, 'playbook-worker']) {
      const deployment = find(objects, 'Deployment', service)!;
      expect(deployment, service).toBeDefined();
      for (const container of pod(deployment).spec.containers) {
        expect(container.livenessProbe?.httpGet?.path, service).toBe('/health');
        expect(container.readinessProbe?.httpGet?.path, service).toBe('/ready');
      }
      if (service !== 'playbook-worker') expect(find(objects, 'Service', service), service).toBeDefined();
    }
    for (const workload of objects.filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet')) {
      for (const container of pod(workload).spec.containers) {
        const r = container.resources;
        expect(
          r?.requests?.cpu && r.requests.memory && r.limits?.cpu && r.limits.memory,
          workload.metadata.name,
        ).toBeTruthy();
      }
    }
  });

  it('run NATS as a JetStream StatefulSet with storage, and Postgres', () => {
    const nats = find(objects, 'StatefulSet', 'nats')!;
    const args = (pod(nats).spec.containers[0] as Container & { args: string[] }).args;
    expect(args).toContain('-js');
    expect(args).toContain('--auth');
    expect((nats.spec as { volumeClaimTemplates: unknown[] }).volumeClaimTemplates).toHaveLength(1);
    expect(find(objects, 'StatefulSet', 'postgres')).toBeDefined();
  });

  it('take tokens and keys from Secrets only, and keep the worker away from them', () => {
    const secretKeys = new Set<string>();
    for (const workload of objects.filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet')) {
      for (const container of pod(workload).spec.containers) {
        for (const env of container.env ?? []) {
          if (/TOKEN|KEY|PASSWORD/.test(env.name)) {
            expect(env.valueFrom?.secretKeyRef?.name, `${workload.metadata.name} ${env.name}`).toBe(
              'switchyard-secrets',
            );
            secretKeys.add(env.valueFrom!.secretKeyRef!.key);
          }
        }
      }
    }
    const worker = pod(find(objects, 'Deployment', 'playbook-worker')!).spec.containers[0]!;
    const workerEnv = worker.env!.map((e) => e.name);
    expect(workerEnv).toContain('NATS_URL');
    expect(workerEnv.filter((n) => /DATABASE|CREDENTIALS|ENGINE_API|POSTGRES/.test(n))).toEqual([]);
    const secret = find(objects, 'Secret', 'switchyard-secrets') as
      (K8sObject & { data: Record<string, string> }) | undefined;
    if (name === 'base') expect(secret).toBeUndefined();
    else expect(Object.keys(secret!.data).sort()).toEqual([...secretKeys].sort());
  });

  it('autoscale the router, the gateway and the workers, and budget disruptions of every workload', () => {
    const hpas = objects.filter((o) => o.kind === 'HorizontalPodAutoscaler');
    expect(hpas.map((h) => h.metadata.name).sort()).toEqual(['gateway', 'playbook-worker', 'router']);
    for (const hpa of hpas) {
      const target = (hpa.spec as { scaleTargetRef: { kind: string; name: string } }).scaleTargetRef;
      expect(find(objects, target.kind, target.name), hpa.metadata.name).toBeDefined();
    }
    const pdbs = objects.filter((o) => o.kind === 'PodDisruptionBudget');
    for (const workload of objects.filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet')) {
      const labels = pod(workload).metadata.labels;
      const covering = pdbs.filter((p) =>
        Object.entries(
          (p.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels,
        ).every(([k, v]) => labels[k] === v),
      );
      expect(covering, workload.metadata.name).toHaveLength(1);
    }
  });

  it('let only the gateway and the workers reach the engine, and only the engine reach Postgres', () => {
    const policies = objects.filter((o) => o.kind === 'NetworkPolicy').map((o) => o.spec as Policy);
    expect(
      policies.some((p) => Object.keys(p.podSelector.matchLabels ?? {}).length === 0 && !p.ingress),
    ).toBe(true);
    /** Pods (by name label) allowed to reach `target`; '*' when any source is. */
    const allowedSources = (target: string) => {
      const sources = new Set<string>();
      for (const p of policies) {
        if (p.podSelector.matchLabels?.['app.kubernetes.io/name'] !== target) continue;
        for (const rule of p.ingress ?? []) {
          if (!rule.from) sources.add('*');
          for (const peer of rule.from ?? [])
            sources.add(peer.podSelector?.matchLabels?.['app.kubernetes.io/name'] ?? '*');
        }
      }
      return [...sources].sort();
    };
    expect(allowedSources('engine')).toEqual(['gateway', 'playbook-worker']);
    expect(allowedSources('postgres')).toEqual(['engine']);
    expect(allowedSources('astronauts')).toEqual(['router']);
    expect(allowedSources('nats')).toEqual(['engine', 'gateway', 'playbook-worker']);
    const workerEgress = objects.find(
      (o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'playbook-worker-egress',
    );
    const cidrs = JSON.stringify(workerEgress?.spec);
    for (const blocked of ['10.0.0.0/8', '169.254.0.0/16']) expect(cidrs).toContain(blocked);
  });
});

describe('dev overlay', () => {
  it('puts everything in its namespace with dev image tags', () => {
    for (const o of rendered.dev)
      if (o.kind !== 'Namespace') expect(o.metadata.namespace, o.metadata.name).toBe('switchyard-dev');
    const images = rendered.dev
      .filter((o) => o.kind === 'Deployment')
      .flatMap((o) => pod(o).spec.containers.map((c) => c.image));
    for (const image of images) expect(image).toMatch(/^switchyard\/[a-z-]+:dev$/);
    expect(
      (find(rendered.dev, 'HorizontalPodAutoscaler', 'router')!.spec as { minReplicas: number }).minReplicas,
    ).toBe(1);
  });
});

describe('strategicMerge', () => {
  it('merges maps, merges named lists by name and replaces other values', () => {
    expect(
      strategicMerge(
        {
          a: 1,
          c: [
            { name: 'x', v: 1 },
            { name: 'y', v: 2 },
          ],
          l: [1, 2],
        },
        { b: 2, c: [{ name: 'y', v: 3 }, { name: 'z' }], l: [3] },
      ),
    ).toEqual({ a: 1, b: 2, c: [{ name: 'x', v: 1 }, { name: 'y', v: 3 }, { name: 'z' }], l: [3] });
  });
});
