import { z } from 'zod';

/**
 * The parts of the committed result files (written by packages/bench) that the report reads. Checked when read, so
 * a file of an older or newer shape fails with its path and the field at fault rather than as a blank chart.
 */
const latencyMs = z.object({ p50: z.number(), p95: z.number(), p99: z.number(), max: z.number() });

/** JSON writes an unmeasured value (undefined) as null. */
const measured = z.array(z.number().nullable()).transform((values) => values.map((value) => value ?? undefined));

const metadata = z.object({
  data: z.object({ scale: z.number() }),
  commit: z.string(),
  dirty: z.boolean(),
  startedAt: z.string(),
  machine: z.object({ cores: z.number(), memoryGiB: z.number(), cpuModel: z.string() }),
  loadGenerator: z.object({ note: z.string() }),
});

const chartPanel = z.object({
  title: z.string(),
  unit: z.string(),
  groups: z.array(z.object({ label: z.string(), values: measured })),
});

export const benchFile = z.object({
  stage: z.string(),
  quick: z.boolean(),
  metadata: z.record(z.string(), metadata),
  experiments: z.array(
    z.object({
      name: z.string(),
      title: z.string(),
      description: z.string(),
      scale: z.number(),
      columns: z.array(z.object({ label: z.string() })),
      comparison: z.object({
        rows: z.array(z.object({ label: z.string(), values: measured, decimals: z.number().optional() })),
        panel: chartPanel,
        morePanels: z.array(chartPanel).optional(),
      }),
    }),
  ),
});

export const demoFile = z.object({
  runs: z.array(
    z.object({
      stage: z.string(),
      label: z.string(),
      metadata,
      result: z.object({
        scenario: z.string(),
        model: z.string(),
        connections: z.number(),
        requestsPerSecond: z.number(),
        requests: z.number(),
        errors: z.number(),
        non2xx: z.number(),
        latencyMs,
      }),
    }),
  ),
});

export const drillFile = z.object({
  title: z.string(),
  metadata,
  requestsPerSecond: z.number(),
  failedRequests: z.number(),
  load: z.object({ requests: z.number(), durationSeconds: z.number(), latencyMs }),
  marks: z.record(z.string(), z.number()),
  timeline: z.array(
    z.object({
      second: z.number(),
      ok: z.number(),
      failed: z.number(),
      unauthorized: z.number(),
      otherClientErrors: z.number(),
    }),
  ),
  outage: z.object({ startMs: z.number(), endMs: z.number(), durationMs: z.number() }).nullable(),
  facts: z.record(z.string(), z.unknown()),
  checks: z.array(z.object({ name: z.string(), passed: z.boolean(), detail: z.string() })),
});

/**
 * A drill that fires bursts instead of steady load (stage 4's stampede): no timeline to chart; its rounds' figures
 * are in its Markdown, and the report shows its checks.
 */
export const burstDrillFile = z.object({
  title: z.string(),
  metadata,
  rounds: z.array(z.unknown()).min(1),
  checks: drillFile.shape.checks,
});

/** `<name>.prometheus.json`: the range queries a bench or drill run read from Prometheus. */
export const prometheusFile = z.object({
  stage: z.string(),
  captures: z.array(
    z.object({
      run: z.string(),
      column: z.string(),
      start: z.number(),
      step: z.number(),
      unavailable: z.string().optional(),
      series: z.array(
        z.object({
          name: z.string(),
          title: z.string(),
          unit: z.string(),
          by: z.string(),
          error: z.string().optional(),
          series: z.array(
            z.object({
              labels: z.record(z.string(), z.string()),
              points: z.array(z.tuple([z.number(), z.number().nullable()])),
            }),
          ),
        }),
      ),
    }),
  ),
});

export type BenchFile = z.infer<typeof benchFile>;
export type DemoFile = z.infer<typeof demoFile>;
export type DrillFile = z.infer<typeof drillFile>;
export type BurstDrillFile = z.infer<typeof burstDrillFile>;
export type PrometheusFile = z.infer<typeof prometheusFile>;
