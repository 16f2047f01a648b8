import { Counter, Gauge, type Registry } from '@scaling/metrics';
import type { Decision } from './policy.ts';

export interface AutoscalerMetrics {
  /** What one decision saw and wanted for `service`. */
  decided(service: string, decision: Decision): void;
  /** A scaling the actuator carried out. */
  scaled(service: string, direction: 'out' | 'in'): void;
  /** A tick that could not observe, decide or act, by the error's stable code. */
  failed(code: string): void;
}

/** The controller's view, scraped by the stage's Prometheus (job `autoscaler`): what the bench charts over time. */
export function createAutoscalerMetrics(registry: Registry): AutoscalerMetrics {
  const registers = [registry];
  const replicas = new Gauge({
    name: 'autoscaler_replicas',
    help: 'Replicas of the service running at the last decision.',
    labelNames: ['service'],
    registers,
  });
  const desired = new Gauge({
    name: 'autoscaler_desired_replicas',
    help: 'Replicas the policy wanted at the last decision (what a dry run would have scaled to).',
    labelNames: ['service'],
    registers,
  });
  const utilization = new Gauge({
    name: 'autoscaler_cpu_utilization',
    help: 'Average CPU of the warmed-up replicas over the scale-out window, as a fraction of each replica’s quota.',
    labelNames: ['service'],
    registers,
  });
  const queueDepth = new Gauge({
    name: 'autoscaler_queue_depth',
    help: 'Jobs ready and unclaimed at the last decision on the workers.',
    registers,
  });
  const events = new Counter({
    name: 'autoscaler_scale_events_total',
    help: 'Scalings carried out, by service and direction.',
    labelNames: ['service', 'direction'],
    registers,
  });
  const failures = new Counter({
    name: 'autoscaler_failures_total',
    help: 'Ticks that could not observe, decide or act, by error code.',
    labelNames: ['code'],
    registers,
  });
  return {
    decided(service, decision) {
      replicas.set({ service }, decision.current);
      desired.set({ service }, decision.desired);
      const { outUtilization, backlog } = decision.measured;
      // No warm replica measured: no sample, rather than the last one standing as if it were current.
      if (typeof outUtilization === 'number') utilization.set({ service }, outUtilization);
      else if ('outUtilization' in decision.measured) utilization.remove({ service });
      if (typeof backlog === 'number') queueDepth.set(backlog);
    },
    scaled(service, direction) {
      events.inc({ service, direction });
    },
    failed(code) {
      failures.inc({ code });
    },
  };
}
