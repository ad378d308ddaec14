import { Counter, Histogram, type Registry } from '@switchyard/service-kit';

export interface RouterMetrics {
  operations: Counter<'kind' | 'outcome'>;
  subgraphFetches: Histogram<'subgraph' | 'outcome'>;
  reloads: Counter<'outcome'>;
}

export function createRouterMetrics(registry: Registry): RouterMetrics {
  return {
    operations: new Counter({
      name: 'federation_router_operations_total',
      help: 'GraphQL operations handled, by kind and outcome (ok, partial, rejected)',
      labelNames: ['kind', 'outcome'],
      registers: [registry],
    }),
    subgraphFetches: new Histogram({
      name: 'federation_router_subgraph_fetch_seconds',
      help: 'Subgraph request latency, by subgraph and outcome',
      labelNames: ['subgraph', 'outcome'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    reloads: new Counter({
      name: 'federation_router_supergraph_reloads_total',
      help: 'Supergraph file reloads, by outcome (applied, rejected)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
  };
}
