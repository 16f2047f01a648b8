import { experimentComparisonSpec } from '../charts/bench-comparison.ts';
import { drillTimelineSpec } from '../charts/drill-timeline.ts';
import { latencyPercentilesSpec } from '../charts/latency-percentiles.ts';
import { prometheusSeriesSpec } from '../charts/prometheus-series.ts';
import { renderChart } from '../render-chart.ts';
import type { ResultSet } from '../results/stage-results.ts';
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

/**
 * The figures of one results folder, a section per kind of file, each chart inline. `idPrefix` keeps the ids of two
 * folders on one page (a stage's results and a check inside them) apart.
 */
export async function renderResultSet(set: ResultSet, idPrefix: string): Promise<string[]> {
  return [
    `<p class="meta">From <code>${escapeHtml(set.path)}/</code>.</p>`,
    ...(await demoSection(set, idPrefix)),
    ...(await benchSections(set, idPrefix)),
    ...(await drillsSection(set, idPrefix)),
    ...(await prometheusSections(set, idPrefix)),
  ];
}

/** Where an experiment's section starts on its stage's page; the index links there. */
export function experimentAnchor(idPrefix: string, benchName: string, experimentName: string): string {
  return `${idPrefix}-${benchName}-${experimentName}`;
}

async function demoSection(set: ResultSet, idPrefix: string): Promise<string[]> {
  if (!set.demo) return [];
  return [
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
  ];
}

async function benchSections(set: ResultSet, idPrefix: string): Promise<string[]> {
  const parts: string[] = [];
  for (const { name, file } of set.benches) {
    const [first] = Object.values(file.metadata);
    parts.push(`<h3>Benchmark${set.benches.length > 1 ? `: ${escapeHtml(name)}` : ''}</h3>`);
    if (first)
      parts.push(measuredLine(first, file.quick ? 'Quick run: the figures are indicative only.' : undefined));
    for (const experiment of file.experiments) {
      const anchor = experimentAnchor(idPrefix, name, experiment.name);
      parts.push(
        `<h3 id="${anchor}">${escapeHtml(experiment.title)}</h3>`,
        `<p>${inlineMarkdown(experiment.description)}</p>`,
        comparisonTable(experiment),
        chartFigure(`${anchor}-chart`, await renderChart(experimentComparisonSpec(experiment))),
      );
    }
  }
  return parts;
}

async function drillsSection(set: ResultSet, idPrefix: string): Promise<string[]> {
  if (set.drills.length === 0 && set.burstDrills.length === 0) return [];
  const anchor = (name: string) => `${idPrefix}-drill-${name}`;
  const parts = ['<h2>Drills</h2>'];
  if (set.drills.length > 0) parts.push(drillSummaryTable(set.drills, (name) => `#${anchor(name)}`));
  for (const { name, file } of set.drills) {
    parts.push(
      `<h3 id="${anchor(name)}">${escapeHtml(file.title)}</h3>`,
      measuredLine(file.metadata),
      checksList(file),
      drillFactsTable(file),
      chartFigure(
        `${anchor(name)}-timeline`,
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
  for (const { name, file } of set.burstDrills) {
    parts.push(
      `<h3 id="${anchor(name)}">${escapeHtml(file.title)}</h3>`,
      measuredLine(file.metadata),
      checksList(file),
      `<p>Its figures, round by round: <code>${escapeHtml(set.path)}/drill-${escapeHtml(name)}.md</code>.</p>`,
    );
  }
  return parts;
}

async function prometheusSections(set: ResultSet, idPrefix: string): Promise<string[]> {
  const parts: string[] = [];
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
