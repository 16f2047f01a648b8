import { experimentComparisonSpec } from '../charts/bench-comparison.ts';
import { drillTimelineSpec } from '../charts/drill-timeline.ts';
import { latencyPercentilesSpec } from '../charts/latency-percentiles.ts';
import { prometheusSeriesSpec } from '../charts/prometheus-series.ts';
import { renderChart } from '../render-chart.ts';
import { readLesson } from '../results/lesson.ts';
import type { ResultSet, StageResults } from '../results/stage-results.ts';
import { chartFigure } from './chart-figure.ts';
import {
  checksList,
  comparisonTable,
  demoTable,
  drillFactsTable,
  drillSummaryTable,
  measuredLine,
} from './figure-tables.ts';
import { escapeHtml, inlineMarkdown } from './html.ts';
import { captureCharts } from './prometheus-charts.ts';

/** A stage's page: the bottleneck it removes, its fix, its figures and drills, every chart inline. */
export async function renderStageBody(stage: StageResults): Promise<string> {
  const lesson = readLesson(stage);
  const parts = [`<h1>${escapeHtml(stage.readme.title)}</h1>`];
  if (stage.adds) parts.push(`<p class="lead">${escapeHtml(stage.adds)}</p>`);
  parts.push(
    '<div class="card">',
    '<h2>The bottleneck</h2>',
    `<p>${lesson.bottleneck ? inlineMarkdown(lesson.bottleneck) : 'None yet: this is the starting point, measured so that the next stages have something to beat.'}</p>`,
    '</div>',
  );
  if (lesson.fix || lesson.changes.length > 0) {
    parts.push('<h2>The fix</h2>');
    if (lesson.fix) parts.push(`<p>${inlineMarkdown(lesson.fix)}</p>`);
    if (lesson.changes.length > 0) {
      parts.push(`<ol>${lesson.changes.map((change) => `<li>${inlineMarkdown(change)}</li>`).join('')}</ol>`);
    }
  }
  if (lesson.limits.length > 0) {
    parts.push(
      '<h2>Where it will break</h2>',
      `<ul>${lesson.limits.map((limit) => `<li>${inlineMarkdown(limit)}</li>`).join('')}</ul>`,
    );
  }
  parts.push('<h2>Figures</h2>', ...(await renderResultSet(stage.results, 'results')));
  if (stage.results.drills.length === 0 && stage.results.benches.length === 0 && !stage.results.demo) {
    parts.push('<p>No results committed yet.</p>');
  }
  for (const [index, check] of stage.checks.entries()) {
    parts.push(
      `<h2>${escapeHtml(check.readme?.title ?? check.path)}</h2>`,
      ...(check.readme?.intro.flatMap((block) =>
        block.kind === 'paragraph' ? [`<p>${inlineMarkdown(block.text)}</p>`] : [],
      ) ?? []),
      ...(await renderResultSet(check, `check-${index}`)),
    );
  }
  return parts.join('\n');
}

async function renderResultSet(set: ResultSet, idPrefix: string): Promise<string[]> {
  const parts: string[] = [`<p class="meta">From <code>${escapeHtml(set.path)}/</code>.</p>`];
  if (set.demo) {
    parts.push(
      '<h3>The read-heavy demo</h3>',
      demoTable(set.demo.runs),
      chartFigure(
        `${idPrefix}-demo`,
        await renderChart(
          latencyPercentilesSpec({
            title: 'Read-heavy mix: latency percentiles',
            runs: set.demo.runs.map((run) => ({ label: run.label, latencyMs: run.result.latencyMs })),
          }),
        ),
      ),
    );
  }
  for (const { name, file } of set.benches) {
    const [first] = Object.values(file.metadata);
    parts.push(`<h3>Benchmark${set.benches.length > 1 ? `: ${escapeHtml(name)}` : ''}</h3>`);
    if (first)
      parts.push(measuredLine(first, file.quick ? 'Quick run: the figures are indicative only.' : undefined));
    for (const experiment of file.experiments) {
      parts.push(
        `<h3 id="${experimentAnchor(idPrefix, name, experiment.name)}">${escapeHtml(experiment.title)}</h3>`,
        `<p>${inlineMarkdown(experiment.description)}</p>`,
        comparisonTable(experiment),
        chartFigure(
          `${experimentAnchor(idPrefix, name, experiment.name)}-chart`,
          await renderChart(experimentComparisonSpec(experiment)),
        ),
      );
    }
  }
  if (set.drills.length > 0) {
    parts.push(
      '<h2>Drills</h2>',
      drillSummaryTable(set.drills, (name) => `#${idPrefix}-drill-${name}`),
    );
    for (const { name, file } of set.drills) {
      parts.push(
        `<h3 id="${idPrefix}-drill-${name}">${escapeHtml(file.title)}</h3>`,
        measuredLine(file.metadata),
        checksList(file),
        drillFactsTable(file),
        chartFigure(
          `${idPrefix}-drill-${name}-timeline`,
          await renderChart(
            drillTimelineSpec({
              title: `${name}: requests per second`,
              timeline: file.timeline,
              marks: file.marks,
            }),
          ),
        ),
      );
    }
  }
  for (const { name, file } of set.prometheus) {
    parts.push(`<h2>Server side: ${escapeHtml(name)}, from Prometheus</h2>`);
    for (const [captureIndex, capture] of file.captures.entries()) {
      parts.push(`<h3>${escapeHtml(capture.run)}, ${escapeHtml(capture.column)}</h3>`);
      if (capture.unavailable) parts.push(`<p>${escapeHtml(capture.unavailable)}</p>`);
      const figures: string[] = [];
      for (const [chartIndex, chart] of captureCharts(capture).entries()) {
        figures.push(
          chartFigure(
            `${idPrefix}-prometheus-${name}-${captureIndex}-${chartIndex}`,
            await renderChart(prometheusSeriesSpec(chart)),
          ),
        );
      }
      parts.push(`<div class="grid">${figures.join('\n')}</div>`);
    }
  }
  return parts;
}

/** Where an experiment's section starts on its stage's page; the index links there. */
export function experimentAnchor(idPrefix: string, benchName: string, experimentName: string): string {
  return `${idPrefix}-${benchName}-${experimentName}`;
}
