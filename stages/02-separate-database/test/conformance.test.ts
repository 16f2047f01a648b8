import { runConformance, totals } from '@scaling/conformance';
import { describe, expect, it } from 'vitest';
import { useStage2 } from './support/stage.ts';

describe('Stage 2 booted natively from its compose file', () => {
  const stage = useStage2();

  it('When the official RealWorld suite runs against it, through PgBouncer, then every request and assertion passes', async () => {
    const results = await runConformance(stage.apiUrl().replace(/\/api$/, ''));
    expect(results.flatMap((result) => result.failures)).toEqual([]);
    const { totalRequests, passedRequests, totalAssertions, passedAssertions } = totals(results);
    expect(totalRequests).toBeGreaterThan(100);
    expect([passedRequests, passedAssertions]).toEqual([totalRequests, totalAssertions]);
  }, 300_000);
});
