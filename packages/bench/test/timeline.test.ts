import { describe, expect, it } from 'vitest';
import { bucketTimeline, classifyOutcome, outageWindow, renderTimeline } from '../src/timeline.ts';
import { buildOutcome } from './builders.ts';

describe('classifyOutcome', () => {
  it('When a request got no answer or a 5xx, then it failed; a 401 and other 4xx are told apart', () => {
    expect(classifyOutcome({ status: undefined })).toBe('failed');
    expect(classifyOutcome({ status: 503 })).toBe('failed');
    expect(classifyOutcome({ status: 401 })).toBe('unauthorized');
    expect(classifyOutcome({ status: 404 })).toBe('otherClientErrors');
    expect(classifyOutcome({ status: 204 })).toBe('ok');
  });
});

describe('bucketTimeline', () => {
  it('When requests are due across seconds, then each lands in the second it was due, quiet seconds included', () => {
    const buckets = bucketTimeline(
      [
        buildOutcome({ scheduledAtMs: 100 }),
        buildOutcome({ scheduledAtMs: 999, status: 401 }),
        buildOutcome({ scheduledAtMs: 1_000, status: undefined, error: 'ECONNREFUSED' }),
        buildOutcome({ scheduledAtMs: 3_500, status: 404, latencyMs: 4_000 }),
      ],
      3,
    );
    expect(buckets).toEqual([
      { second: 0, ok: 1, failed: 0, unauthorized: 1, otherClientErrors: 0 },
      { second: 1, ok: 0, failed: 1, unauthorized: 0, otherClientErrors: 0 },
      { second: 2, ok: 0, failed: 0, unauthorized: 0, otherClientErrors: 0 },
      { second: 3, ok: 0, failed: 0, unauthorized: 0, otherClientErrors: 1 },
    ]);
  });

  it('When the timeline is rendered, then marks show next to their second', () => {
    const table = renderTimeline(bucketTimeline([buildOutcome({ scheduledAtMs: 1_200 })], 2), {
      1: 'SIGKILL',
    });
    expect(table.split('\n')).toContain('| 1 | 1 | 0 | 0 | 0 | SIGKILL |');
  });
});

describe('outageWindow', () => {
  it('When requests failed, then the window runs from the first failure due to the end of the last one', () => {
    const window = outageWindow([
      buildOutcome({ scheduledAtMs: 1_000 }),
      buildOutcome({ scheduledAtMs: 2_000, status: undefined, latencyMs: 3 }),
      buildOutcome({ scheduledAtMs: 2_500, status: 502, latencyMs: 700 }),
      buildOutcome({ scheduledAtMs: 4_000 }),
    ]);
    expect(window).toEqual({ startMs: 2_000, endMs: 3_200, durationMs: 1_200, failed: 2 });
  });

  it('When nothing failed (401s do not count as an outage), then there is no window', () => {
    expect(outageWindow([buildOutcome(), buildOutcome({ status: 401 })])).toBeNull();
  });

  it('When failures happened before the given start, then they are left out', () => {
    const window = outageWindow(
      [
        buildOutcome({ scheduledAtMs: 100, status: 500 }),
        buildOutcome({ scheduledAtMs: 5_000, status: 500 }),
      ],
      1_000,
    );
    expect(window?.startMs).toBe(5_000);
    expect(window?.failed).toBe(1);
  });
});
