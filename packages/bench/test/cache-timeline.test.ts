import { describe, expect, it } from 'vitest';
import {
  appHitPercent,
  appVerdict,
  bucketCacheOutcomes,
  cachedPercent,
  countCacheOutcomes,
  edgeVerdict,
  latencyByEdgeVerdict,
} from '../src/cache-timeline.ts';
import { buildOutcome } from './builders.ts';

const answered = (edge: string | undefined, app: string | undefined, overrides = {}) =>
  buildOutcome({ cache: { edge, app }, ...overrides });

describe('edgeVerdict and appVerdict', () => {
  it('When the edge kept a copy (HIT, or STALE within its window), then it answered, whatever X-Cache it replays', () => {
    expect(edgeVerdict(answered('HIT', 'miss'))).toBe('hit');
    expect(edgeVerdict(answered('STALE', 'hit'))).toBe('hit');
    expect(appVerdict(answered('HIT', 'miss'))).toBe('none');
  });

  it("When the edge missed or passed, then the app's X-Cache says whether the database was read", () => {
    expect(edgeVerdict(answered('MISS', 'hit'))).toBe('miss');
    expect(appVerdict(answered('MISS', 'hit'))).toBe('hit');
    expect(edgeVerdict(answered('PASS', 'bypass'))).toBe('pass');
    expect(appVerdict(answered('PASS', 'bypass'))).toBe('bypass');
  });

  it('When no edge stood in front and the request read no cache, then both verdicts are none', () => {
    expect(edgeVerdict(answered(undefined, undefined))).toBe('none');
    expect(appVerdict(answered(undefined, undefined))).toBe('none');
  });
});

describe('countCacheOutcomes', () => {
  it('When requests were answered by the edge, the app cache and the database, then the shares count each once', () => {
    const counts = countCacheOutcomes([
      answered('HIT', 'miss'),
      answered('MISS', 'hit'),
      answered('PASS', 'miss'),
      answered('PASS', 'bypass'),
      buildOutcome({ status: undefined, error: 'ECONNREFUSED' }),
    ]);
    expect(counts.requests).toBe(4);
    expect(counts.edge).toEqual({ hit: 1, miss: 1, pass: 2, none: 0 });
    expect(counts.app).toEqual({ hit: 1, miss: 1, bypass: 1, none: 1 });
    expect(cachedPercent(counts)).toBe(50);
    expect(appHitPercent(counts)).toBe(50);
  });

  it('When outcomes are bucketed by second, then each lands in the second it was due', () => {
    const buckets = bucketCacheOutcomes(
      [answered('HIT', 'hit', { scheduledAtMs: 200 }), answered('MISS', 'miss', { scheduledAtMs: 1_500 })],
      2,
    );
    expect(
      buckets.map((bucket) => [bucket.fromSecond, bucket.counts.edge.hit, bucket.counts.edge.miss]),
    ).toEqual([
      [0, 1, 0],
      [1, 0, 1],
    ]);
  });

  it('When edge hits are fast and misses cross the distance, then their latencies are summarized apart', () => {
    const latency = latencyByEdgeVerdict([
      answered('HIT', undefined, { latencyMs: 1 }),
      answered('HIT', undefined, { latencyMs: 3 }),
      answered('MISS', 'miss', { latencyMs: 90 }),
    ]);
    expect(latency.hit.count).toBe(2);
    expect(latency.hit.p50).toBe(1);
    expect(latency.miss.p50).toBe(90);
    expect(latency.pass.count).toBe(0);
  });
});
