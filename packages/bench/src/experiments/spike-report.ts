import { phaseBoundaries } from '../arrival-schedule.ts';
import { describeAutoscaler } from '../autoscaler-settings.ts';
import type { ComparisonRow } from '../comparison.ts';
import type { ExperimentComparison } from '../experiment.ts';
import type { LatencyWindow } from '../latency-windows.ts';
import { formatNumber, markdownTable } from '../table.ts';
import { benchLoadGenerator } from '../warmed-run.ts';
import type { SpikeSide } from './spike.ts';
import { type ReplicaSample, replicasAt } from './spike-timeline.ts';

const megabyte = 1024 * 1024;
/** The goal for a replica's resident memory under the spike. */
export const rssGoalMegabytes = 150;

/** The spike's table, its two charts (p95 and replicas per chart window) and a per-window table for each column. */
export function compareSpikes(results: SpikeSide[], labels: string[]): ExperimentComparison {
  const row = (
    label: string,
    pick: (side: SpikeSide) => number | undefined,
    decimals = 0,
  ): ComparisonRow => ({
    label,
    values: results.map(pick),
    decimals,
  });
  const [first] = results;
  const targetMs = first?.figures.targetMs ?? 0;
  const chartWindows = Math.max(...results.map((side) => side.figures.chartWindows.length));
  const chartSeconds = first?.figures.chartWindows[0]?.seconds ?? 0;
  const group = (index: number) => `${index * chartSeconds}-${(index + 1) * chartSeconds} s`;
  return {
    rows: [
      row('what the minimum of replicas carries (closed model), req/s', (side) => side.rates.twoReplicas),
      row('offered rate, low, req/s', (side) => side.rates.low),
      row('offered rate, peak, req/s', (side) => side.rates.peak),
      row('p95 before the spike, ms', (side) => side.figures.p95BeforeSpikeMs, 1),
      row('p95 from the spike until the rate came down, ms', (side) => side.figures.p95HoldMs, 1),
      row('p99 from the spike until the rate came down, ms', (side) => side.figures.p99HoldMs, 1),
      row('worst p95 of a 5 s window after the spike, ms', (side) => side.figures.worstWindowP95Ms, 1),
      row(
        `seconds from the spike until the p95 stayed under ${targetMs} ms (n/a: still above when the rate came down)`,
        (side) => side.figures.secondsToTarget ?? undefined,
      ),
      row(
        'requests not served (no answer in 5 s, 5xx or 429), before the spike',
        (side) => side.figures.failedBeforeSpike,
      ),
      row('... during the spike and hold', (side) => side.figures.failedSpikeAndHold),
      row(
        "... of which refused by nginx's per-address connection limit (429)",
        (side) => side.figures.refusedSpikeAndHold,
      ),
      row(
        '... while the rate came down (the queue of the overload draining)',
        (side) => side.figures.failedComingDown,
      ),
      row(
        '... from the rate back at the low one to the end (the scale-in)',
        (side) => side.figures.failedScaleIn,
      ),
      row('app replicas, most running', (side) => side.figures.mostReplicas),
      row('app replicas, most the policy wanted', (side) => side.figures.mostWanted),
      row('app replicas this machine holds by CPU (cores / CPU per replica)', (side) => side.machineReplicas),
      row('seconds from the rate coming down to the minimum of replicas again', (side) =>
        side.autoscaler.dryRun ? undefined : (side.figures.secondsBackToMinimum ?? undefined),
      ),
      row(
        `highest resident memory of an app replica, MB (goal at most ${rssGoalMegabytes})`,
        (side) => largestRssMegabytes(side),
        1,
      ),
      row('CPU busy from the spike until the rate came down, % of both CPUs', (side) =>
        side.holdCpu ? average(side.holdCpu.cpus) : undefined,
      ),
      row('... of which the app replicas (every one that ran), % of one CPU', (side) =>
        side.holdCpu ? sumGroups(side.holdCpu.groups, (name) => /^app\.\d+$/.test(name)) : undefined,
      ),
      row(
        '... of which the load generator, % of one CPU',
        (side) => side.holdCpu?.groups[benchLoadGenerator],
      ),
    ],
    panel: {
      title: `p95 per ${chartSeconds} s of the spike run (a request not served counts as 5 s)`,
      unit: 'ms',
      groups: Array.from({ length: chartWindows }, (_, index) => ({
        label: group(index),
        values: results.map((side) => side.figures.chartWindows[index]?.p95Ms),
      })),
    },
    morePanels: [
      {
        title: `app replicas at the end of each ${chartSeconds} s`,
        unit: 'replicas',
        groups: Array.from({ length: chartWindows }, (_, index) => ({
          label: group(index),
          values: results.map((side) =>
            index < side.figures.chartWindows.length
              ? replicasAtEnd(side.samples, (index + 1) * chartSeconds)
              : undefined,
          ),
        })),
      },
    ],
    details: results.map((side, index) => describeSide(side, labels[index] ?? '')).join('\n\n'),
  };
}

function describeSide(side: SpikeSide, label: string): string {
  const rss = Object.entries(side.largestRss)
    .map(([instance, bytes]) => `${instance} ${formatNumber(bytes / megabyte, 1)} MB`)
    .join(', ');
  const calibration = side.calibrationCpu
    ? `While the minimum of replicas was saturated (the rates' measurement), CPU per process in % of one CPU: ${describeGroups(side.calibrationCpu.groups)}; CPUs busy ${side.calibrationCpu.cpus.join(' / ')}%.`
    : '';
  return [
    `${label}: autoscaler ${describeAutoscaler(side.autoscaler)}; the stage booted ${side.autoscaler.bootReplicas} app replicas.`,
    calibration,
    `Highest resident memory per replica: ${rss || 'none read'}.` +
      (side.samplerFailures > 0 ? ` ${side.samplerFailures} Prometheus reads failed during the run.` : ''),
    side.holdCpu
      ? `CPU from the spike until the rate came down, % of one CPU: ${describeGroups(side.holdCpu.groups)}; CPUs busy ${side.holdCpu.cpus.join(' / ')}%.`
      : '',
    '',
    `${label}, per ${side.figures.windows[0]?.seconds ?? 0} s (replicas, wanted and utilization: the autoscaler's gauges at the end of the window; RSS: the largest replica's):`,
    '',
    renderWindows(side),
  ]
    .filter((line, index, lines) => line !== '' || lines[index - 1] !== '')
    .join('\n');
}

function renderWindows(side: SpikeSide): string {
  const boundaries = phaseBoundaries(side.phases);
  const phaseAt = (second: number) =>
    boundaries.find((phase) => second * 1000 >= phase.fromMs && second * 1000 < phase.toMs)?.name ??
    boundaries.at(-1)?.name ??
    '';
  const cell = (value: number | undefined, decimals: number) =>
    value === undefined ? 'n/a' : formatNumber(value, decimals);
  return markdownTable(
    [
      's',
      'phase',
      'offered req/s',
      'not served',
      'p50 ms',
      'p95 ms',
      'p99 ms',
      'replicas',
      'wanted',
      'CPU util %',
      'RSS MB',
    ],
    side.figures.windows.map((window: LatencyWindow) => {
      const end = window.fromSecond + window.seconds;
      const last = lastSampleBefore(side.samples, end);
      const rss = side.samples
        .filter((sample) => sample.second >= window.fromSecond && sample.second < end)
        .map((sample) => sample.largestRssBytes ?? 0);
      return [
        String(window.fromSecond),
        phaseAt(window.fromSecond),
        // The last window may end with the run, part of the way through.
        formatNumber(
          window.requests / Math.min(window.seconds, side.load.durationSeconds - window.fromSecond),
          0,
        ),
        String(window.failed),
        formatNumber(window.p50Ms, 1),
        formatNumber(window.p95Ms, 1),
        formatNumber(window.p99Ms, 1),
        cell(last ? replicasAt(last) : undefined, 0),
        cell(last?.desired, 0),
        cell(last?.utilization === undefined ? undefined : 100 * last.utilization, 0),
        rss.length > 0 ? formatNumber(Math.max(...rss) / megabyte, 1) : 'n/a',
      ];
    }),
  );
}

function lastSampleBefore(samples: ReplicaSample[], second: number): ReplicaSample | undefined {
  return samples.filter((sample) => sample.second < second).at(-1);
}

function replicasAtEnd(samples: ReplicaSample[], second: number): number | undefined {
  const last = lastSampleBefore(samples, second);
  return last ? replicasAt(last) : undefined;
}

function largestRssMegabytes(side: SpikeSide): number | undefined {
  const values = Object.values(side.largestRss);
  return values.length > 0 ? Math.max(...values) / megabyte : undefined;
}

function average(values: number[]): number | undefined {
  return values.length > 0 ? values.reduce((sum, value) => sum + value, 0) / values.length : undefined;
}

function sumGroups(groups: Record<string, number>, include: (name: string) => boolean): number {
  return Object.entries(groups)
    .filter(([name]) => include(name))
    .reduce((sum, [, value]) => sum + value, 0);
}

function describeGroups(groups: Record<string, number>): string {
  return Object.entries(groups)
    .sort(([, a], [, b]) => b - a)
    .map(([name, percent]) => `${name} ${percent}`)
    .join(', ');
}
