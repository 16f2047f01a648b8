import { describe, expect, it } from 'vitest';
import { type LatencyWindow, latencyWindows, secondsUntilUnderTarget } from '../src/latency-windows.ts';
import { buildOutcome } from './builders.ts';

function buildWindow(fromSecond: number, p95Ms: number): LatencyWindow {
  return { fromSecond, seconds: 5, requests: 10, failed: 0, p50Ms: p95Ms / 2, p95Ms, p99Ms: p95Ms };
}

describe('latencyWindows', () => {
  it('When requests fail without an answer, then their window counts them at the timeout, not as fast', () => {
    const outcomes = [
      ...Array.from({ length: 18 }, (_, index) =>
        buildOutcome({ scheduledAtMs: index * 100, latencyMs: 10 }),
      ),
      buildOutcome({ scheduledAtMs: 1_900, latencyMs: 0, status: undefined, error: 'dropped' }),
      buildOutcome({ scheduledAtMs: 1_950, latencyMs: 30, status: 503 }),
      buildOutcome({ scheduledAtMs: 6_000, latencyMs: 40 }),
    ];

    const windows = latencyWindows(outcomes, 10, 5, 5_000);

    expect(windows).toHaveLength(2);
    expect(windows[0]).toMatchObject({ fromSecond: 0, requests: 20, failed: 2, p50Ms: 10, p95Ms: 5_000 });
    expect(windows[1]).toMatchObject({ fromSecond: 5, requests: 1, failed: 0, p95Ms: 40 });
  });
});

describe('secondsUntilUnderTarget', () => {
  const windows = [
    buildWindow(0, 100),
    buildWindow(5, 900),
    buildWindow(10, 700),
    buildWindow(15, 200),
    buildWindow(20, 150),
  ];

  it('When the p95 rises above the target after the spike and comes back, then the time runs to the end of the last window above', () => {
    expect(secondsUntilUnderTarget(windows, 5, 25, 500)).toBe(10);
  });

  it('When no window after the spike is above the target, then the time is 0', () => {
    expect(secondsUntilUnderTarget(windows, 15, 25, 500)).toBe(0);
  });

  it('When the last window of the range is still above the target, then there is no time to give', () => {
    expect(secondsUntilUnderTarget(windows, 5, 15, 500)).toBeNull();
  });
});
