import type { DrillContext, DrillReport } from './experiment.ts';
import type { FaultRun } from './fault-run.ts';
import { failedRequests, renderMessageCounts } from './load-summary.ts';
import type { RunMetadata } from './metadata.ts';
import { markdownTable } from './table.ts';
import { renderTimeline } from './timeline.ts';

export interface DrillCheck {
  name: string;
  passed: boolean;
  detail: string;
}

export interface DrillSummary {
  title: string;
  description: string;
  metadata: RunMetadata;
  requestsPerSecond: number;
  run: FaultRun;
  /** Figures specific to the drill, e.g. the pids before and after. */
  facts: Record<string, unknown>;
  checks: DrillCheck[];
  /** More Markdown after the per-second timeline, e.g. status classes or replicas per second. */
  sections?: { title: string; body: string }[];
}

/** The moments of the fault by the second they fell in, for the timelines' "events" column. */
export function marksBySecond(marks: Record<string, number>): Record<number, string> {
  const bySecond: Record<number, string> = {};
  for (const [label, ms] of Object.entries(marks)) {
    const second = Math.floor(ms / 1000);
    bySecond[second] = bySecond[second] ? `${bySecond[second]}; ${label} (${ms} ms)` : `${label} (${ms} ms)`;
  }
  return bySecond;
}

/** `buildDrillReport` with the metadata of the stage the drill ran on and the rate its load was offered at. */
export function reportDrill(
  context: Pick<DrillContext, 'session' | 'scale'>,
  summary: Omit<DrillSummary, 'metadata' | 'requestsPerSecond'>,
): DrillReport {
  return buildDrillReport({
    ...summary,
    metadata: context.session.metadata(context.scale),
    requestsPerSecond: summary.run.load.requestsPerSecondTarget ?? 0,
  });
}

/** The drill's raw JSON and its Markdown: the figures, the checks, and a per-second timeline with the fault marked. */
export function buildDrillReport(summary: DrillSummary): DrillReport {
  const { run } = summary;
  const failed = failedRequests(run.load);
  const outage = run.outage;
  const marks = marksBySecond(run.marks);
  const markdown = [
    `# Drill: ${summary.title}`,
    '',
    summary.description,
    '',
    `Measured ${summary.metadata.startedAt.slice(0, 16).replace('T', ' ')} UTC, commit ${summary.metadata.commit.slice(0, 12)}` +
      `${summary.metadata.dirty ? ' (with uncommitted changes)' : ''}, data scale ${summary.metadata.data.scale}. ` +
      summary.metadata.loadGenerator.note,
    '',
    markdownTable(
      ['figure', 'value'],
      [
        [
          'offered load',
          `${summary.requestsPerSecond} req/s for ${run.load.durationSeconds.toFixed(0)} s (open model)`,
        ],
        ['requests answered', run.load.requests.toLocaleString('en-US')],
        ['failed requests (no answer or 5xx)', failed.toLocaleString('en-US')],
        [
          'outage window',
          outage
            ? `${(outage.startMs / 1000).toFixed(1)} s → ${(outage.endMs / 1000).toFixed(1)} s (${Math.round(outage.durationMs)} ms)`
            : 'none',
        ],
        ['latency p50 / p95 / p99 / max ms', latencyLine(run)],
        ...Object.entries(summary.facts).map(([name, value]) => [name, String(value)]),
      ],
    ),
    '',
    '## Checks',
    '',
    ...summary.checks.map((check) => `- ${check.passed ? 'PASS' : 'FAIL'}: ${check.name}. ${check.detail}`),
    '',
    '## Errors by message',
    '',
    renderMessageCounts(run.load.errorsByMessage),
    '',
    '## Per second',
    '',
    'Requests by the second they were due; failed = no answer or 5xx.',
    '',
    renderTimeline(run.timeline, marks),
    ...(summary.sections ?? []).flatMap((section) => ['', `## ${section.title}`, '', section.body]),
  ].join('\n');
  const { outcomes: _outcomes, ...kept } = run;
  return {
    raw: {
      title: summary.title,
      metadata: summary.metadata,
      requestsPerSecond: summary.requestsPerSecond,
      failedRequests: failed,
      ...kept,
      facts: summary.facts,
      checks: summary.checks,
    },
    markdown,
    passed: summary.checks.every((check) => check.passed),
  };
}

function latencyLine(run: FaultRun): string {
  const { p50, p95, p99, max } = run.load.latencyMs;
  return [p50, p95, p99, max].map((value) => value.toFixed(1)).join(' / ');
}
