import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { repoRoot, resolveStage } from '@scaling/stack';

export interface ResultFiles {
  /** The raw measurements, written as `<name>.json`. */
  raw: unknown;
  /** The rendered tables, written as `<name>.md`. */
  markdown: string;
  /** A chart, written as `<name>.svg`. */
  svg?: string;
}

/**
 * Where a run on `stage` writes. By default a git-ignored folder at the repository root, one per stage
 * (.results/02-separate-database/): trying the bench leaves the checkout clean and the published figures as they are,
 * and one folder holds every local run. `publish` writes into the stage's tracked results folder instead, whose files
 * back the figures of its README: git keeps the history of every published measurement.
 */
export function resultsDirectory(stage: number, publish: boolean): string {
  const stageDir = dirname(resolveStage(stage).composeFile);
  return publish ? join(stageDir, 'results') : join(repoRoot, '.results', basename(stageDir));
}

/**
 * Where a bench run writes: the stage's results folder, or, for a run of some experiments only (`--only`), a folder
 * named after them inside it, so that a partial run never replaces the stage's whole benchmark.
 */
export function benchResultsDirectory(stage: number, publish: boolean, onlyExperiments: string[]): string {
  const directory = resultsDirectory(stage, publish);
  return onlyExperiments.length === 0 ? directory : join(directory, onlyExperiments.join('+'));
}

/** The line a command prints once it has written: where the files are, and how to choose the other place. */
export function describeWritten(files: string[], publish: boolean): string {
  const paths = files.map((file) => relative(process.cwd(), file)).join(', ');
  return publish
    ? `Results, published into the stage's tracked folder (commit them with the README figures they back): ${paths}`
    : `Results, in a git-ignored folder (--publish writes them into the stage's tracked results/ instead): ${paths}`;
}

/** Writes a measurement's files into `directory` (see `resultsDirectory`), replacing an earlier run's. */
export function writeResultFiles(directory: string, name: string, files: ResultFiles): string[] {
  mkdirSync(directory, { recursive: true });
  const written = [join(directory, `${name}.json`), join(directory, `${name}.md`)];
  writeFileSync(written[0] as string, `${JSON.stringify(files.raw, null, 2)}\n`);
  writeFileSync(written[1] as string, `${files.markdown.trimEnd()}\n`);
  if (files.svg !== undefined) {
    written.push(join(directory, `${name}.svg`));
    writeFileSync(written[2] as string, files.svg);
  }
  return written;
}
