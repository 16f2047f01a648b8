import { describe, expect, it } from 'vitest';
import { counterGrowth, metricBy, parseMetrics, sumMetric } from '../src/app-metrics.ts';

const exposition = `# HELP db_reads_total Reads by where they ran and why.
# TYPE db_reads_total counter
db_reads_total{target="replica-1",reason="fresh"} 12
db_reads_total{target="primary",reason="behind"} 3
db_reads_total{target="replica-1",reason="out-of-rotation"} 1
# TYPE db_replica_in_rotation gauge
db_replica_in_rotation{replica="replica-1"} 1
process_cpu_seconds_total 4.5
`;

describe('parseMetrics', () => {
  it('When an app serves the Prometheus text format, then every sample keeps its name, labels and value', () => {
    const samples = parseMetrics(exposition);
    expect(samples).toHaveLength(5);
    expect(samples[0]).toEqual({
      name: 'db_reads_total',
      labels: { target: 'replica-1', reason: 'fresh' },
      value: 12,
    });
    expect(samples[4]).toEqual({ name: 'process_cpu_seconds_total', labels: {}, value: 4.5 });
  });

  it('When samples are summed by a label or filtered, then the other labels add up', () => {
    const samples = parseMetrics(exposition);
    expect(metricBy(samples, 'db_reads_total', 'target')).toEqual({ 'replica-1': 13, primary: 3 });
    expect(sumMetric(samples, 'db_reads_total', { reason: 'behind' })).toBe(3);
  });
});

describe('counterGrowth', () => {
  it('When a counter grew, then the growth counts; when its process restarted (lower value), from zero', () => {
    expect(
      counterGrowth({ primary: 10, 'replica-1': 50 }, { primary: 15, 'replica-1': 4, 'replica-2': 2 }),
    ).toEqual({
      primary: 5,
      'replica-1': 4,
      'replica-2': 2,
    });
  });
});
