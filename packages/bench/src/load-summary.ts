import type { ScenarioResult } from './run-scenario.ts';

/** What a user sees as the site being down: no answer at all, or a 5xx. */
export function failedRequests(result: Pick<ScenarioResult, 'errors' | 'statusCodes'>): number {
  let failed = result.errors;
  for (const [status, count] of Object.entries(result.statusCodes))
    if (Number(status) >= 500) failed += count;
  return failed;
}

/** Messages with their counts, most frequent first, as a Markdown list. */
export function renderMessageCounts(counts: Record<string, number>): string {
  const entries = Object.entries(counts).sort(([, a], [, b]) => b - a);
  if (entries.length === 0) return '- none';
  return entries.map(([message, count]) => `- ${count.toLocaleString('en-US')} × ${message}`).join('\n');
}
