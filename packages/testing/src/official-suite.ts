import { runConformance, totals } from '@scaling/conformance';
import { expect } from 'vitest';

/** Runs the official RealWorld suite against `apiUrl` (`http://host:port/api`): every request and assertion passes. */
export async function expectOfficialSuitePasses(apiUrl: string): Promise<void> {
  const results = await runConformance(apiUrl.replace(/\/api$/, ''));
  const sum = totals(results);
  expect(results.flatMap((result) => result.failures)).toEqual([]);
  expect(sum).toMatchObject({ passedRequests: sum.totalRequests, passedAssertions: sum.totalAssertions });
  expect(sum.totalRequests).toBeGreaterThan(100);
}
