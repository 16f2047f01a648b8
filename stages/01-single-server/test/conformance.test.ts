import { runConformance, totals } from '@scaling/conformance';
import { stackDown, stackUp } from '@scaling/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let origin = '';

describe('Stage 1 booted natively from its compose file', () => {
  beforeAll(async () => {
    const { apiUrl } = await stackUp(1);
    if (apiUrl === null) throw new Error('Stage 1 publishes no API: its compose file lost the app port.');
    origin = new URL(apiUrl).origin;
  }, 180_000);

  afterAll(async () => {
    await stackDown(1);
  }, 60_000);

  it('When the official RealWorld suite runs against it, then every request and assertion passes', async () => {
    const results = await runConformance(origin);
    const sum = totals(results);
    const failures = results.flatMap((result) => result.failures);
    expect(failures).toEqual([]);
    expect(sum.totalRequests).toBeGreaterThan(100);
    expect(sum.passedRequests).toBe(sum.totalRequests);
    expect(sum.passedAssertions).toBe(sum.totalAssertions);
  }, 300_000);
});
