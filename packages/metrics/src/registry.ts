import { collectDefaultMetrics, Registry } from 'prom-client';

export type { Registry };

/**
 * The process's one registry, created by its entry point and handed to every part that measures something.
 * It starts with prom-client's default process metrics: event-loop delay, GC pauses, heap, RSS, CPU, handles.
 */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  // Gauges named like counters, which promtool's linter rejects; each is the sum of its per-type sibling
  // (`sum(nodejs_active_handles)`), so nothing is lost.
  for (const name of [
    'nodejs_active_handles_total',
    'nodejs_active_requests_total',
    'nodejs_active_resources_total',
  ]) {
    registry.removeSingleMetric(name);
  }
  return registry;
}

/**
 * The metric named `name` in `registry`, created by `create` the first time. Two clients of one kind (a primary
 * and a replica pool) then share one metric family and differ by a label, instead of failing on a duplicate name.
 */
export function metricOnce<Metric>(registry: Registry, name: string, create: () => Metric): Metric {
  return (registry.getSingleMetric(name) as Metric | undefined) ?? create();
}
