import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
export interface ResultFiles {
  /** The raw measurements, written as `<name>.json`. */
  raw: unknown;
  /** The rendered tables, written as `<name>.md`. */
  markdown: string;
  /** A chart, written as `<name>.svg`. */
  svg?: string;
}

/**
 * Writes a measurement into a stage's results folder. The files are tracked: a new run replaces them and git keeps
 * the history of every measurement. Returns the paths written.
 */
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
