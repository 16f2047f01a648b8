import { runConformance, totals } from '@scaling/conformance';
import { expect } from 'vitest';

/**
 * Runs the official RealWorld suite against a stage's API URL (`http://host:port/api`) or an in-process app's origin
 * (`http://host:port`, what `app.listen` returns): every request and assertion passes.
 */
export async function expectOfficialSuitePasses(url: string): Promise<void> {
  const results = await runConformance(url.replace(/\/api$/, ''));
  const sum = totals(results);
  expect(results.flatMap((result) => result.failures)).toEqual([]);
  expect(sum).toMatchObject({ passedRequests: sum.totalRequests, passedAssertions: sum.totalAssertions });
  expect(sum.totalRequests).toBeGreaterThan(100);
}
