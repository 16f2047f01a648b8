import { describe, expect, it } from 'vitest';
import type { ChurnResult } from '../src/churn.ts';
import { renderComparisonTable } from '../src/comparison.ts';
import { type ChurnSide, connectionChurn, cpuMsPerConnection } from '../src/experiments/connection-churn.ts';

function buildChurnSide(overrides: { result?: Partial<ChurnResult>; groups?: Record<string, number> } = {}) {
  const latency = { p50: 20, p95: 40, p99: 60, max: 80, mean: 25 };
  const result: ChurnResult = {
    clients: 500,
    durationSeconds: 10,
    attempts: 1000,
    successes: 1000,
    successesPerSecond: 100,
    latencyMs: latency,
    connectMs: { ...latency, p50: 18 },
    errors: 0,
    errorsByMessage: {},
    ...overrides.result,
  };
  const groups = overrides.groups ?? { postgres: 30, pgbouncer: 50, 'load generator': 80 };
  return {
    target: 'postgres://conduit:***@127.0.0.1:16432/conduit',
    result,
    cpu: { seconds: 10, cpus: [40, 90], groups },
  } satisfies ChurnSide;
}

describe('connection-churn', () => {
  it("When a process's CPU is split, then its CPU time is divided by the successful connections", () => {
    // 50% of one CPU for 10 s is 5,000 ms, over 1,000 connections.
    expect(cpuMsPerConnection(buildChurnSide(), 'pgbouncer')).toBeCloseTo(5, 10);
    expect(cpuMsPerConnection(buildChurnSide({ groups: { postgres: 30 } }), 'pgbouncer')).toBeUndefined();
    expect(cpuMsPerConnection(buildChurnSide({ result: { successes: 0 } }), 'postgres')).toBeUndefined();
  });

  it('When stage 1 and stage 2 are compared, then the table shows where each connection spent CPU', () => {
    const stage1 = buildChurnSide({
      result: { successes: 500, errors: 20, errorsByMessage: { 'sorry, too many clients already': 20 } },
      groups: { postgres: 95, app: 0.5, 'load generator': 60 },
    });
    const stage2 = buildChurnSide();

    const comparison = connectionChurn.compare([stage1, stage2], ['stage 1', 'stage 2']);
    const table = renderComparisonTable(comparison.rows, ['stage 1', 'stage 2']);

    expect(table).toMatch(/\| CPU ms per successful connection, pgbouncer +\| +n\/a \| +5\.00 \|/);
    expect(table).toMatch(/\| CPU ms per successful connection, postgres +\| +19\.00 \| +3\.00 \|/);
    expect(table).toMatch(/\| CPU ms per successful connection, load generator +\| +12\.00 \| +8\.00 \|/);
    expect(table).toMatch(/\| "sorry, too many clients already" +\| +20 \| +0 \|/);
    expect(comparison.details).toContain('| app ');
    expect(comparison.details).toContain('20 × sorry, too many clients already');
  });
});
