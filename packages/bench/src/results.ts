import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunMetadata } from './metadata.ts';
import type { ScenarioResult } from './run-scenario.ts';

export interface BenchReport {
  metadata: RunMetadata;
  runs: { label: string; result: ScenarioResult }[];
}

/** Writes the raw report next to the others, named by time so runs never overwrite each other. */
export function writeReport(directory: string, name: string, report: BenchReport): string {
  mkdirSync(directory, { recursive: true });
  const stamp = report.metadata.startedAt.replace(/[:.]/g, '-');
  const file = join(directory, `${name}-${stamp}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}
