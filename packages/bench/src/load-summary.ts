import type { ScenarioResult } from './run-scenario.ts';

/** What a user sees as the site being down: no answer at all, or a 5xx. */
export function failedRequests(result: Pick<ScenarioResult, 'errors' | 'statusCodes'>): number {
  let failed = result.errors;
  for (const [status, count] of Object.entries(result.statusCodes))
    if (Number(status) >= 500) failed += count;
  return failed;
}

/** How many items fall under each label. */
export function countBy<T>(items: T[], label: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[label(item)] = (counts[label(item)] ?? 0) + 1;
  return counts;
}

/** Counts on one line, for a report's table of figures: `12 × 429, 3 × 401`. */
export function describeCounts(counts: Record<string, number>): string {
  const entries = Object.entries(counts);
  return entries.length === 0 ? 'none' : entries.map(([label, count]) => `${count} × ${label}`).join(', ');
}

/** Messages with their counts, most frequent first, as a Markdown list. */
export function renderMessageCounts(counts: Record<string, number>): string {
  const entries = Object.entries(counts).sort(([, a], [, b]) => b - a);
  if (entries.length === 0) return '- none';
  return entries.map(([message, count]) => `- ${count.toLocaleString('en-US')} × ${message}`).join('\n');
}

/** The `index`-th (from 0) of `parts` shares of `total` that differ by one at most, e.g. 500 requests over 3 servers. */
export function evenShare(total: number, parts: number, index: number): number {
  return Math.floor(total / parts) + (index < total % parts ? 1 : 0);
}
