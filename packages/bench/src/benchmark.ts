import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchComparisonSpec, prometheusSeriesSpec, renderChart } from '@scaling/report';
import { resolveStage } from '@scaling/stack';
import { renderComparisonTable } from './comparison.ts';
import type {
  AnyExperiment,
  Column,
  ExperimentComparison,
  RunSettings,
  StageBenchmark,
} from './experiment.ts';
import type { RunMetadata } from './metadata.ts';
import { benchResultsDirectory } from './results.ts';
import { captureRunSeries } from './run-server-series.ts';
import type { ServerSeriesCapture } from './server-series-capture.ts';
import { writeResultsWithServerSeries } from './server-series-report.ts';
import { closeStage, openStage, prepareData } from './stage-session.ts';

export interface ExperimentRecord {
  name: string;
  title: string;
  description: string;
  scale: number;
  columns: Column[];
  /** In column order. */
  results: unknown[];
  comparison: ExperimentComparison;
}

export interface BenchResults {
  /** The stage's folder name, e.g. 02-separate-database. */
  stage: string;
  quick: boolean;
  /** Per column label: commit, machine, versions, the stack's placement on the CPUs, and the load generator's. */
  metadata: Record<string, RunMetadata>;
  experiments: ExperimentRecord[];
}

/** One boot of a stage and the experiments that measure a column on it. */
export interface BenchBoot {
  column: Column;
  runs: { experiment: AnyExperiment; columnIndex: number }[];
}

/** The columns of an experiment: its own, else the benchmark's. */
export function columnsOf(experiment: AnyExperiment, benchmark: Pick<StageBenchmark, 'columns'>): Column[] {
  return experiment.columns ?? benchmark.columns;
}

/**
 * Each distinct configuration (stage and boot settings) is booted once, in the order the experiments first name it,
 * and every experiment with a column on it runs there: the previous stage's experiments all run before this stage's.
 */
export function planBoots(
  experiments: AnyExperiment[],
  benchmark: Pick<StageBenchmark, 'columns'>,
): BenchBoot[] {
  const boots = new Map<string, BenchBoot>();
  for (const experiment of experiments) {
    for (const [columnIndex, column] of columnsOf(experiment, benchmark).entries()) {
      const key = JSON.stringify({ stage: column.stage, boot: column.boot ?? {} });
      const boot = boots.get(key) ?? { column, runs: [] };
      boot.runs.push({ experiment, columnIndex });
      boots.set(key, boot);
    }
  }
  return [...boots.values()];
}

/** Boots each configuration in turn, runs its experiments on freshly seeded data, then writes bench.json/md/svg. */
export async function runBenchmark(
  benchmark: StageBenchmark,
  settings: RunSettings,
  only: string[] = [],
): Promise<string[]> {
  const { output } = settings;
  const experiments = benchmark.experiments.filter(
    (experiment) => only.length === 0 || only.includes(experiment.name),
  );
  if (experiments.length === 0) {
    const names = benchmark.experiments.map((experiment) => experiment.name).join(', ');
    throw new Error(`No experiment matches ${only.join(', ')}: choose among ${names}.`);
  }
  const measured = new Map<string, unknown[]>(experiments.map((experiment) => [experiment.name, []]));
  const metadata: Record<string, RunMetadata> = {};
  const seconds = (full: number, quick: number) => (settings.quick ? quick : full);
  const boots = planBoots(experiments, benchmark);
  const captures: ServerSeriesCapture[] = [];

  for (const [bootIndex, { column, runs }] of boots.entries()) {
    if (settings.signal.aborted) throw new Error('Interrupted.');
    output(`\n[${bootIndex + 1}/${boots.length}] ${column.label}`);
    const session = await openStage(column.stage, output, column);
    try {
      for (const { experiment, columnIndex } of runs) {
        if (settings.signal.aborted) throw new Error('Interrupted.');
        const scale = settings.scale ?? experiment.scale;
        output(`\n[${column.label}] ${experiment.title}`);
        const fixtures = await prepareData(session, experiment, scale, output);
        metadata[column.label] ??= session.metadata(scale);
        const results = measured.get(experiment.name) as unknown[];
        const startedAtMs = Date.now();
        results[columnIndex] = await experiment.run({
          session,
          settings,
          scale,
          fixtures,
          before: columnIndex > 0 ? results[0] : undefined,
          seconds,
          output: (line) => output(`  ${line}`),
        });
        captures.push(await captureRunSeries(session, experiment, startedAtMs, output));
      }
    } finally {
      await closeStage(column.stage, output);
    }
  }

  const results: BenchResults = {
    stage: resolveStage(benchmark.stage).name,
    quick: settings.quick,
    metadata,
    experiments: experiments.map((experiment) => {
      const columns = columnsOf(experiment, benchmark);
      const sides = measured.get(experiment.name) as unknown[];
      return {
        name: experiment.name,
        title: experiment.title,
        description: experiment.description,
        scale: settings.scale ?? experiment.scale,
        columns,
        results: sides,
        comparison: experiment.compare(
          sides,
          columns.map((column) => column.label),
        ),
      };
    }),
  };
  const directory = benchResultsDirectory(
    benchmark.stage,
    settings.publish,
    experiments.length < benchmark.experiments.length ? experiments.map((experiment) => experiment.name) : [],
  );
  const serverSeries = { stage: results.stage, captures };
  const written = writeResultsWithServerSeries(directory, 'bench', serverSeries, {
    raw: results,
    markdown: renderBenchMarkdown(results),
    svg: await renderBenchChart(results),
  });
  return [...written, ...(await writeLineCharts(directory, results))];
}

/** Each experiment's charts over time, `bench-<name>.svg` beside bench.svg, from the same Vega-Lite theme. */
async function writeLineCharts(directory: string, results: BenchResults): Promise<string[]> {
  const written: string[] = [];
  for (const chart of results.experiments.flatMap((experiment) => experiment.comparison.lineCharts ?? [])) {
    const path = join(directory, lineChartFile(chart.name));
    writeFileSync(path, await renderChart(prometheusSeriesSpec(chart)));
    written.push(path);
  }
  return written;
}

const lineChartFile = (name: string) => `bench-${name}.svg`;

export function renderBenchMarkdown(results: BenchResults): string {
  const first = Object.values(results.metadata)[0];
  const lines = [`# ${results.stage}: benchmark`, ''];
  if (first) {
    lines.push(
      `Measured ${first.startedAt.slice(0, 16).replace('T', ' ')} UTC on ${first.machine.cores} × ${first.machine.cpuModel}, ` +
        `${first.machine.memoryGiB} GiB; commit ${first.commit.slice(0, 12)}${first.dirty ? ' (with uncommitted changes)' : ''}; ` +
        `Node ${first.nodeVersion}; data seed ${first.data.seed}. Ratios compare columns measured within this one run.`,
      '',
    );
  }
  if (results.quick)
    lines.push('**Quick run** (`--quick`): short durations, the figures are indicative only.', '');
  lines.push('Where the load generator ran:', '');
  for (const [label, metadata] of Object.entries(results.metadata)) {
    lines.push(`- ${label}: ${metadata.loadGenerator.note}`);
  }
  lines.push('', '![bench chart](bench.svg)', '');
  for (const [index, experiment] of results.experiments.entries()) {
    const labels = experiment.columns.map((column) => column.label);
    lines.push(
      `## ${index + 1}. ${experiment.title}`,
      '',
      experiment.description,
      '',
      `Data scale ${experiment.scale}.`,
      '',
      renderComparisonTable(experiment.comparison.rows, labels),
      '',
    );
    for (const chart of experiment.comparison.lineCharts ?? []) {
      lines.push(`![${chart.title}](${lineChartFile(chart.name)})`, '');
    }
    if (experiment.comparison.details) lines.push(experiment.comparison.details, '');
  }
  return lines.join('\n');
}

/** bench.svg, drawn by the same Vega-Lite spec as the report's charts (`pnpm report --rerender` redraws it from bench.json). */
export function renderBenchChart(results: BenchResults): Promise<string> {
  return renderChart(benchComparisonSpec(results));
}
