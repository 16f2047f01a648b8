import { collectDefaultMetrics, Registry } from 'prom-client';

export type { Registry };

/**
 * The process's one registry, created by its entry point and handed to every part that measures something.
 * It starts with prom-client's default process metrics: event-loop delay, GC pauses, heap, RSS, CPU, handles.
 */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}

/**
 * The metric named `name` in `registry`, created by `create` the first time. Two clients of one kind (a primary
 * and a replica pool) then share one metric family and differ by a label, instead of failing on a duplicate name.
 */
export function metricOnce<Metric>(registry: Registry, name: string, create: () => Metric): Metric {
  return (registry.getSingleMetric(name) as Metric | undefined) ?? create();
}
