import { createMetricsRegistry } from '@scaling/metrics';
import { sampleSum } from '@scaling/metrics/testing';
import { describe, expect, it } from 'vitest';
import { type Actuator, ActuatorError } from '../src/actuator.ts';
import { createAutoscalerMetrics } from '../src/autoscaler-metrics.ts';
import { loadConfig } from '../src/config.ts';
import { createController } from '../src/controller.ts';
import { type MetricsSource, MetricsSourceError } from '../src/metrics-source.ts';
import type { ReplicaSample } from '../src/policy.ts';
import { buildSample } from './factories.ts';

/**
 * The controller between its two ports: Prometheus and the Engine are outside it, so a reading is given and the
 * actuator keeps its replicas in memory and records what it was asked.
 */
function buildHarness(
  options: { env?: NodeJS.ProcessEnv; samples?: ReplicaSample[]; backlog?: number | null } = {},
) {
  let clock = Date.parse('2026-11-30T12:00:00Z');
  const replicas = new Map([
    ['app', 2],
    ['worker', 1],
  ]);
  const scaleCalls: string[] = [];
  /** Errors the next scale calls throw, one each. */
  const scaleFailures: Error[] = [];
  const lines: { level: string; details: Record<string, unknown>; message: string }[] = [];
  const reading = {
    samples: options.samples ?? [buildSample(), buildSample()],
    backlog: options.backlog ?? 0,
  };
  const source: MetricsSource & { failWith?: Error } = {
    async replicaSamples() {
      if (source.failWith) throw source.failWith;
      return reading.samples;
    },
    async jobBacklog() {
      return reading.backlog;
    },
  };
  const actuator: Actuator = {
    async replicas(service) {
      return replicas.get(service) ?? 0;
    },
    async scale(service, count) {
      scaleCalls.push(`${service}=${count}`);
      const failure = scaleFailures.shift();
      if (failure) throw failure;
      replicas.set(service, count);
      return count;
    },
  };
  const registry = createMetricsRegistry();
  const record = (level: string) => (details: object, message: string) =>
    lines.push({ level, details: details as Record<string, unknown>, message });
  const controller = createController({
    config: loadConfig(options.env ?? {}, [], 8),
    source,
    actuator,
    metrics: createAutoscalerMetrics(registry),
    logger: { info: record('info'), error: record('error') },
    now: () => clock,
  });
  return {
    controller,
    source,
    reading,
    scaleCalls,
    scaleFailures,
    lines,
    decisions: () => lines.filter((line) => line.details.event === 'decision'),
    metrics: () => registry.metrics(),
    advance(seconds: number) {
      clock += seconds * 1000;
    },
  };
}

const hot = () => [buildSample({ utilization: 1.4 }), buildSample({ utilization: 1.4 })];

describe('The controller', () => {
  it('When CPU is above the target, then it scales out, logs the decision with its inputs, and counts the event', async () => {
    const harness = buildHarness({ samples: hot() });

    await harness.controller.tick();

    expect(harness.scaleCalls).toEqual(['app=4']);
    const [decision] = harness.decisions();
    expect(decision?.details).toMatchObject({
      service: 'app',
      direction: 'out',
      desired: 4,
      inputs: { replicas: 2, samples: harness.reading.samples },
      timeScale: 1,
      dryRun: false,
    });
    const text = await harness.metrics();
    expect(sampleSum(text, 'autoscaler_scale_events_total', { service: 'app', direction: 'out' })).toBe(1);
    expect(sampleSum(text, 'autoscaler_desired_replicas', { service: 'app' })).toBe(4);
    expect(sampleSum(text, 'autoscaler_cpu_utilization', { service: 'app' })).toBeCloseTo(1.4);
  });

  it('When it has scaled out, then it holds for the scale-out cooldown and acts again after it', async () => {
    const harness = buildHarness({ samples: hot() });
    await harness.controller.tick();

    harness.advance(179);
    await harness.controller.tick();
    harness.advance(2);
    await harness.controller.tick();

    const app = harness.decisions().filter((line) => line.details.service === 'app');
    expect(app.map((line) => line.details.reason)).toEqual([
      'cpu-above-target',
      'scale-out-cooldown',
      'cpu-above-target',
    ]);
    expect(harness.scaleCalls).toEqual(['app=4', 'app=8']);
  });

  it('When AUTOSCALER_DRY_RUN is true, then it decides and logs but never asks the actuator to scale', async () => {
    const harness = buildHarness({ env: { AUTOSCALER_DRY_RUN: 'true' }, samples: hot(), backlog: 500 });

    await harness.controller.tick();

    expect(harness.scaleCalls).toEqual([]);
    expect(harness.decisions().map((line) => [line.details.direction, line.details.dryRun])).toEqual([
      ['out', true],
      ['out', true],
    ]);
    const text = await harness.metrics();
    expect(sampleSum(text, 'autoscaler_desired_replicas', { service: 'worker' })).toBe(4);
    expect(sampleSum(text, 'autoscaler_queue_depth')).toBe(500);
  });

  it('When Prometheus cannot be read, then the tick logs the stable code, counts it, and still decides on the workers', async () => {
    const harness = buildHarness({ backlog: 250 });
    harness.source.failWith = new MetricsSourceError('METRICS_SOURCE_TIMEOUT', 'Prometheus did not answer.');

    await harness.controller.tick();

    expect(harness.lines.find((line) => line.level === 'error')?.details).toEqual({
      event: 'failure',
      service: 'app',
      code: 'METRICS_SOURCE_TIMEOUT',
    });
    expect(harness.scaleCalls).toEqual(['worker=3']);
    expect(
      sampleSum(await harness.metrics(), 'autoscaler_failures_total', { code: 'METRICS_SOURCE_TIMEOUT' }),
    ).toBe(1);
  });

  it('When scaling fails, then no cooldown starts, so the next tick tries again', async () => {
    const harness = buildHarness({ env: { AUTOSCALER_WORKER_SERVICE: '' }, samples: hot() });
    harness.scaleFailures.push(
      new ActuatorError('ACTUATOR_REPLICA_UNHEALTHY', 'The new replica is unhealthy.'),
    );

    await harness.controller.tick();
    harness.advance(1);
    await harness.controller.tick();

    expect(harness.scaleCalls).toEqual(['app=4', 'app=4']);
    expect(harness.decisions().map((line) => line.details.reason)).toEqual([
      'cpu-above-target',
      'cpu-above-target',
    ]);
  });
});
