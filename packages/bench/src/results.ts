import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunMetadata } from './metadata.ts';
import type { ScenarioResult } from './run-scenario.ts';

export interface BenchReport {
  metadata: RunMetadata;
  runs: { label: string; result: ScenarioResult }[];
}

/**
 * Writes `<name>.json` (the raw report) and `<name>.md` (the rendered table) into a stage's results folder.
 * They are tracked: a new run replaces the files and git keeps the history of every measurement.
 */
export function writeReport(directory: string, name: string, report: BenchReport, markdown: string): string {
  mkdirSync(directory, { recursive: true });
  const file = join(directory, `${name}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(directory, `${name}.md`), `${markdown}\n`);
  return file;
}
