import { barChartSpec } from '../charts/bar-chart.ts';
import { latencyPercentilesSpec } from '../charts/latency-percentiles.ts';
import { renderChart } from '../render-chart.ts';
import { readLesson } from '../results/lesson.ts';
import type { DemoFile } from '../results/result-schemas.ts';
import type { StageResults } from '../results/stage-results.ts';
import { chartFigure } from './chart-figure.ts';
import { measuredLine } from './figure-tables.ts';
import { escapeHtml, formatNumber, htmlTable, inlineMarkdown } from './html.ts';
import { experimentAnchor } from './result-sections.ts';

/** The stage's own run of the read-heavy demo, from its results/demo.json (which also holds the stage before). */
function ownDemoRun(stage: StageResults) {
  return stage.results.demo?.runs.find((run) => run.stage === `stage ${stage.number}`);
}

/** The page that compares the stages: what each adds and removes, its headline figures, and the demo side by side. */
export async function renderIndexBody(
  stages: StageResults[],
  pageOf: (stage: StageResults) => string,
): Promise<string> {
  const rows = stages.map((stage) => {
    const lesson = readLesson(stage);
    const demo = ownDemoRun(stage);
    const drills = [...stage.results.drills, ...stage.results.burstDrills];
    const passed = drills.filter(({ file }) => file.checks.every((check) => check.passed)).length;
    return [
      `<a href="${pageOf(stage)}">${escapeHtml(stage.readme.title)}</a>`,
      escapeHtml(stage.adds ?? ''),
      lesson.bottleneck ? inlineMarkdown(lesson.bottleneck) : 'the starting point',
      formatNumber(demo?.result.requestsPerSecond, 0),
      formatNumber(demo?.result.latencyMs.p95),
      experimentLinks(stage, pageOf(stage)),
      drills.length > 0 ? `${passed} of ${drills.length}` : 'none yet',
    ];
  });
  const demoRuns = stages.flatMap((stage) => {
    const run = ownDemoRun(stage);
    return run ? [run] : [];
  });
  const parts = [
    '<h1>Scaling Conduit: results</h1>',
    '<p class="lead">Every stage from its committed results (<code>stages/*/results/</code>): the bottleneck it removes, ' +
      'its fix, and what the measurements say. Each stage has a page with its benchmark, its drills and their charts.</p>',
    htmlTable(
      [
        'stage',
        'what it adds',
        'the bottleneck it removes',
        'demo req/s',
        'demo p95 ms',
        'experiments',
        'drills passed',
      ],
      rows,
      (column) => column === 3 || column === 4 || column === 6,
    ),
  ];
  parts.push(...(await demoComparison(demoRuns)), ...(await drillComparison(stages)));
  return parts.join('\n');
}

function experimentLinks(stage: StageResults, page: string): string {
  const links = stage.results.benches.flatMap(({ name, file }) =>
    file.experiments.map(
      (experiment) =>
        `<a href="${page}#${experimentAnchor('results', name, experiment.name)}">${escapeHtml(experiment.title)}</a>`,
    ),
  );
  return links.length > 0 ? links.join('<br>') : 'none yet';
}

/** Each stage's own demo run side by side: throughput, then latency percentiles. */
async function demoComparison(runs: DemoFile['runs']): Promise<string[]> {
  const [first] = runs;
  if (!first) return [];
  const { scenario, connections, model } = first.result;
  return [
    `<h2>The ${escapeHtml(scenario)} demo, stage by stage</h2>`,
    `<p>The ${escapeHtml(scenario)} mix (${connections} connections, ${escapeHtml(model)} model, seed scale ` +
      `${first.metadata.data.scale}) on each stage, from each stage's <code>results/demo.json</code>. Compare stages ` +
      'as ratios within one run: the measurement times below say whether these come from one.</p>',
    chartFigure(
      'index-demo-throughput',
      await renderChart(
        barChartSpec({
          title: `Throughput per stage, ${scenario} mix`,
          series: runs.map((run) => run.stage),
          panels: [
            {
              title: 'Requests answered per second',
              unit: 'req/s',
              groups: [{ label: scenario, values: runs.map((run) => run.result.requestsPerSecond) }],
            },
          ],
        }),
      ),
    ),
    chartFigure(
      'index-demo-latency',
      await renderChart(
        latencyPercentilesSpec({
          title: `Latency percentiles per stage, ${scenario} mix`,
          runs: runs.map((run) => ({ label: run.stage, latencyMs: run.result.latencyMs })),
        }),
      ),
    ),
    ...runs.map((run) => measuredLine(run.metadata, `${run.label}.`)),
  ];
}

/** Every drill of every stage by the share of its requests that failed: what a user would have seen. */
async function drillComparison(stages: StageResults[]): Promise<string[]> {
  const drills = stages.flatMap((stage) =>
    stage.results.drills.map(({ name, file }) => ({ label: `stage ${stage.number}: ${name}`, file })),
  );
  if (drills.length === 0) return [];
  return [
    '<h2>Drills, stage by stage</h2>',
    '<p>Each drill injects one failure under steady open-model load; what a user would have seen is the share of ' +
      'requests that got no answer or a 5xx.</p>',
    chartFigure(
      'index-drills',
      await renderChart(
        barChartSpec({
          title: 'Failures under injected faults',
          series: ['failed requests'],
          panels: [
            {
              title: 'Requests that failed during the drill',
              unit: '% of requests',
              groups: drills.map(({ label, file }) => ({
                label,
                values: [(100 * file.failedRequests) / Math.max(1, file.load.requests)],
              })),
            },
          ],
        }),
      ),
    ),
  ];
}
