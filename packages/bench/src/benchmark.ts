import { type ComparisonLabels, renderComparisonTable } from './comparison.ts';
import type { ExperimentComparison, RunSettings, StageBenchmark } from './experiment.ts';
import type { RunMetadata } from './metadata.ts';
import { writeResultFiles } from './results.ts';
import { closeStage, loadData, openStage, resultsDirectory } from './stage-session.ts';
import { renderBarChart } from './svg-chart.ts';

export interface ExperimentRecord {
  name: string;
  title: string;
  description: string;
  scale: number;
  results: { before: unknown; after: unknown };
  comparison: ExperimentComparison;
}

export interface BenchResults {
  stage: string;
  previousStage: string;
  labels: ComparisonLabels;
  quick: boolean;
  /** Per stage label: commit, machine, versions, and where the load generator ran. */
  metadata: Record<string, RunMetadata>;
  experiments: ExperimentRecord[];
}

/**
 * Boots the previous stage, runs every experiment on it, stops it; then the same on this stage with the same data
 * and load; then writes bench.json, bench.md and bench.svg into this stage's results folder.
 */
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
  const labels = { before: `stage ${benchmark.previous}`, after: `stage ${benchmark.stage}` };
  const measured = new Map<string, { before?: unknown; after?: unknown }>();
  const metadata: Record<string, RunMetadata> = {};
  const seconds = (full: number, quick: number) => (settings.quick ? quick : full);

  for (const role of ['before', 'after'] as const) {
    const stage = role === 'before' ? benchmark.previous : benchmark.stage;
    const session = await openStage(stage, output);
    try {
      for (const [index, experiment] of experiments.entries()) {
        if (settings.signal.aborted) throw new Error('Interrupted.');
        const scale = settings.scale ?? experiment.scale;
        output(`\n[${session.label}, ${index + 1}/${experiments.length}] ${experiment.title}`);
        const fixtures = await loadData(session, scale, output);
        metadata[session.label] ??= session.metadata(scale);
        const record = measured.get(experiment.name) ?? {};
        record[role] = await experiment.run({
          session,
          settings,
          scale,
          fixtures,
          before: record.before,
          seconds,
          output: (line) => output(`  ${line}`),
        });
        measured.set(experiment.name, record);
      }
    } finally {
      await closeStage(stage, output);
    }
  }

  const results: BenchResults = {
    stage: resultsName(benchmark.stage),
    previousStage: resultsName(benchmark.previous),
    labels,
    quick: settings.quick,
    metadata,
    experiments: experiments.map((experiment) => {
      const { before, after } = measured.get(experiment.name) ?? {};
      return {
        name: experiment.name,
        title: experiment.title,
        description: experiment.description,
        scale: settings.scale ?? experiment.scale,
        results: { before, after },
        comparison: experiment.compare(before, after, labels),
      };
    }),
  };
  return writeResultFiles(resultsDirectory(benchmark.stage), 'bench', {
    raw: results,
    markdown: renderBenchMarkdown(results),
    svg: renderBenchChart(results),
  });
}

function resultsName(stage: number): string {
  return resultsDirectory(stage).split('/').at(-2) ?? String(stage);
}

export function renderBenchMarkdown(results: BenchResults): string {
  const { labels } = results;
  const first = Object.values(results.metadata)[0];
  const lines = [`# ${results.stage}: benchmark against ${results.previousStage}`, ''];
  if (first) {
    lines.push(
      `Measured ${first.startedAt.slice(0, 16).replace('T', ' ')} UTC on ${first.machine.cores} × ${first.machine.cpuModel}, ` +
        `${first.machine.memoryGiB} GiB; commit ${first.commit.slice(0, 12)}${first.dirty ? ' (with uncommitted changes)' : ''}; ` +
        `Node ${first.nodeVersion}; data seed ${first.data.seed}. Ratios compare the two stages within this one run.`,
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
    if (experiment.comparison.details) lines.push(experiment.comparison.details, '');
  }
  return lines.join('\n');
}

export function renderBenchChart(results: BenchResults): string {
  return renderBarChart({
    title: `${results.stage} vs ${results.previousStage}`,
    series: [results.labels.before, results.labels.after],
    panels: results.experiments.map((experiment) => experiment.comparison.panel),
  });
}
