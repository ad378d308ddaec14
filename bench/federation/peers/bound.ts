import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { FederationGateway, type EntityInput, type PlanNode } from '@switchyard/federation';
import { Pool } from 'undici';
import { deepQuery } from '../data.js';

/**
 * The benchmark's bound: a minimal router that answers every request by replaying the subgraph fetches of our
 * router's plan for the deep query (planned once at start-up) and merging the JSON. No parsing, validation,
 * planning, response shaping, metrics or logging per request: what is left is what any router must pay.
 */
type Json = Record<string, unknown>;
type Selection = EntityInput['input'][number];

const supergraphSdl = readFileSync(process.env.SUPERGRAPH_PATH!, 'utf8');
const gateway = new FederationGateway({ supergraphSdl });
const plan = gateway.planFor(deepQuery);
const urls = gateway.subgraphUrls();
const pools = new Map<string, { pool: Pool; path: string }>();
for (const [name, url] of Object.entries(urls)) {
  const parsed = new URL(url);
  pools.set(name, {
    pool: new Pool(parsed.origin, { connections: 64, keepAliveTimeout: 30_000 }),
    path: parsed.pathname,
  });
}

async function post(service: string, body: string): Promise<Json> {
  const { pool, path } = pools.get(service)!;
  const res = await pool.request({
    method: 'POST',
    path,
    headers: { 'content-type': 'application/json' },
    body,
  });
  return (await res.body.json()) as Json;
}

function merge(target: Json, source: Json): void {
  for (const key in source) {
    const from = source[key];
    const to = target[key];
    if (Array.isArray(to) && Array.isArray(from))
      for (let i = 0; i < to.length; i++) merge(to[i] as Json, from[i] as Json);
    else if (to && from && typeof to === 'object' && typeof from === 'object')
      merge(to as Json, from as Json);
    else target[key] = from;
  }
}

function collect(value: unknown, path: readonly string[], at: number, out: Json[]): void {
  if (Array.isArray(value)) {
    for (const item of value) collect(item, path, at, out);
    return;
  }
  if (!value || typeof value !== 'object') return;
  if (at === path.length) {
    out.push(value as Json);
    return;
  }
  const segment = path[at]!;
  if (segment === '@') collect(value, path, at + 1, out);
  else if (segment.startsWith('... on ')) {
    if ((value as Json).__typename === segment.slice(7)) collect(value, path, at + 1, out);
  } else collect((value as Json)[segment], path, at + 1, out);
}

function pick(obj: Json, selections: readonly Selection[], out: Json): void {
  for (const sel of selections) {
    if (sel.kind === 'fragment') {
      if (!sel.typeCondition || sel.typeCondition === obj.__typename) pick(obj, sel.selections, out);
    } else out[sel.name] = obj[sel.responseKey];
  }
}

async function run(node: PlanNode, data: Json): Promise<void> {
  switch (node.kind) {
    case 'Sequence':
      for (const child of node.nodes) await run(child, data);
      return;
    case 'Parallel':
      await Promise.all(node.nodes.map((child) => run(child, data)));
      return;
    case 'Fetch': {
      const result = await post(node.serviceName, JSON.stringify({ query: node.operation }));
      merge(data, result.data as Json);
      return;
    }
    case 'Flatten': {
      const objects: Json[] = [];
      collect(data, node.path, 0, objects);
      const inputs = new Map<string, EntityInput>(node.node.inputs!.map((i) => [i.typename, i]));
      const texts: string[] = [];
      const targets: Json[][] = [];
      const seen = new Map<string, number>();
      for (const obj of objects) {
        const input = inputs.get(obj.__typename as string);
        if (!input) continue;
        const representation: Json = {};
        pick(obj, input.input, representation);
        representation.__typename = input.sendAs;
        const text = JSON.stringify(representation);
        const index = seen.get(text);
        if (index === undefined) {
          seen.set(text, texts.length);
          texts.push(text);
          targets.push([obj]);
        } else targets[index]!.push(obj);
      }
      const body = `{"query":${JSON.stringify(node.node.operation)},"variables":{"representations":[${texts.join(',')}]}}`;
      const result = await post(node.node.serviceName, body);
      const entities = (result.data as Json)._entities as Json[];
      for (let i = 0; i < targets.length; i++) for (const obj of targets[i]!) merge(obj, entities[i]!);
    }
  }
}

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const data: Json = {};
    run(plan.node!, data).then(
      () => {
        const text = JSON.stringify({ data });
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
        res.end(text);
      },
      (error: unknown) => {
        res.writeHead(500).end(String(error));
      },
    );
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT), '127.0.0.1', () =>
  process.stdout.write(`ready http://127.0.0.1:${process.env.PORT}/graphql\n`),
);
