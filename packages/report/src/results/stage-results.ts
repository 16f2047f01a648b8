import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { z } from 'zod';
import { parseReadme, type Readme } from './readme.ts';
import {
  type BenchFile,
  type BurstDrillFile,
  benchFile,
  burstDrillFile,
  type DemoFile,
  demoFile,
  type DrillFile,
  drillFile,
  type PrometheusFile,
  prometheusFile,
} from './result-schemas.ts';

/** The result files of one folder: a stage's results/, or a folder of a one-off check inside it. */
export interface ResultSet {
  /** Relative to the repository root, e.g. stages/03-load-balancer/results/hardening-check. */
  path: string;
  /** From the folder's own README, when it has one. */
  readme?: Readme;
  /** Each bench run of the folder: bench.json, and in a check's folder e.g. before-bb9d198.json. */
  benches: { name: string; file: BenchFile }[];
  demo?: DemoFile;
  drills: { name: string; file: DrillFile }[];
  burstDrills: { name: string; file: BurstDrillFile }[];
  prometheus: { name: string; file: PrometheusFile }[];
}

export interface StageResults {
  /** The folder's name, e.g. 02-separate-database. */
  name: string;
  number: number;
  readme: Readme;
  /** The stage's line of stages/tags.tsv: what it adds. Undefined until the stage is tagged complete. */
  adds?: string;
  results: ResultSet;
  /** Sub-folders of results/, e.g. a before-and-after check of one change. */
  checks: ResultSet[];
}

/** Every stage folder under `root`/stages with its README and its committed results, in stage order. */
export function readStages(root: string): StageResults[] {
  const stagesDir = join(root, 'stages');
  const tags = readTags(join(stagesDir, 'tags.tsv'));
  return readdirSync(stagesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && /^\d{2}-/.test(entry.name))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const folder = join(stagesDir, name);
      const number = Number(name.slice(0, 2));
      const resultsDir = join(folder, 'results');
      const checks = existsSync(resultsDir)
        ? readdirSync(resultsDir, { withFileTypes: true })
            .filter((entry) => entry.isDirectory())
            .map((entry) => readResultSet(root, join(resultsDir, entry.name)))
        : [];
      return {
        name,
        number,
        readme: parseReadme(readFileSync(join(folder, 'README.md'), 'utf8')),
        adds: tags.get(`stage-${number}`),
        results: readResultSet(root, resultsDir),
        checks,
      };
    });
}

function readTags(path: string): Map<string, string> {
  const tags = new Map<string, string>();
  if (!existsSync(path)) return tags;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const [tag, , adds] = line.split('\t');
    if (tag && adds) tags.set(tag, adds);
  }
  return tags;
}

/** A drill file with rounds of bursts rather than a timeline of steady load. */
function isBurstDrill(path: string): boolean {
  const content: unknown = JSON.parse(readFileSync(path, 'utf8'));
  return typeof content === 'object' && content !== null && 'rounds' in content;
}

/**
 * What `pnpm observe` saves as the servers answered it (Prometheus' targets, a Zipkin trace): no run to chart, so the
 * report shows them through the folder's README, which the command writes with the trace as a tree.
 */
const rawCaptures = new Set(['targets.json', 'trace.json']);

/** Sorts a folder's JSON files by kind, from their names: drill-*, *.prometheus.json, demo, and bench runs. */
function readResultSet(root: string, directory: string): ResultSet {
  const set: ResultSet = {
    path: relative(root, directory),
    benches: [],
    drills: [],
    burstDrills: [],
    prometheus: [],
  };
  if (!existsSync(directory)) return set;
  const readmePath = join(directory, 'README.md');
  if (existsSync(readmePath)) set.readme = parseReadme(readFileSync(readmePath, 'utf8'));
  const files = readdirSync(directory)
    .filter((file) => file.endsWith('.json'))
    .sort();
  for (const file of files) {
    const path = join(directory, file);
    if (rawCaptures.has(file)) continue;
    if (file.endsWith('.prometheus.json')) {
      set.prometheus.push({ name: file.replace(/\.prometheus\.json$/, ''), file: readJson(path, prometheusFile) });
    } else if (file.startsWith('drill-')) {
      const name = file.replace(/^drill-|\.json$/g, '');
      if (isBurstDrill(path)) set.burstDrills.push({ name, file: readJson(path, burstDrillFile) });
      else set.drills.push({ name, file: readJson(path, drillFile) });
    } else if (file === 'demo.json') {
      set.demo = readJson(path, demoFile);
    } else {
      set.benches.push({ name: file.replace(/\.json$/, ''), file: readJson(path, benchFile) });
    }
  }
  return set;
}

function readJson<Schema extends z.ZodType>(path: string, schema: Schema): z.output<Schema> {
  const parsed = schema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `${path} is not a result file the report can read (${issue?.path.join('.') || 'top level'}: ${issue?.message}). ` +
        'Re-run the command that wrote it, or teach packages/report/src/results/result-schemas.ts its new shape.',
    );
  }
  return parsed.data;
}
