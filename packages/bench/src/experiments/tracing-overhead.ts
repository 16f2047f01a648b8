import { readHeavy } from '@scaling/loadtests/scenarios/read-heavy';
import { stackStartService, stackStopService } from '@scaling/stack';
import { defineExperiment } from '../experiment.ts';
import { failedRequests } from '../load-summary.ts';
import { processCpu, requestP95, requestRate } from '../server-series.ts';
import { markdownTable } from '../table.ts';
import { runWarmedScenario, type WarmedRun } from '../warmed-run.ts';

/** The replicas' tracing settings for one measurement; the stack's compose file reads them from the environment. */
interface TracingLevel {
  label: string;
  env: { OTEL_TRACES_EXPORTER: 'none' | 'zipkin'; OTEL_TRACES_SAMPLER_ARG: string };
}

const levels: TracingLevel[] = [
  { label: 'tracing off', env: { OTEL_TRACES_EXPORTER: 'none', OTEL_TRACES_SAMPLER_ARG: '0' } },
  { label: 'sampled 1%', env: { OTEL_TRACES_EXPORTER: 'zipkin', OTEL_TRACES_SAMPLER_ARG: '0.01' } },
  { label: 'sampled 100%', env: { OTEL_TRACES_EXPORTER: 'zipkin', OTEL_TRACES_SAMPLER_ARG: '1' } },
];

/**
 * Each level twice, in the order off, 1%, 100%, 100%, 1%, off: a drift over the run (caches warming, other work on
 * the machine) then weighs on every level alike instead of favouring whichever came last.
 */
const schedule: TracingLevel[] = [...levels, ...[...levels].reverse()];

export interface TracingLevelRun extends WarmedRun {
  label: string;
  env: TracingLevel['env'];
}

export interface TracingOverheadSide {
  runs: TracingLevelRun[];
}

/**
 * Stops every replica and starts it again: the stack plans the start from the compose file as it reads now, so the
 * replicas pick up the environment this process has just set (a restart would reuse the running configuration).
 */
async function restartReplicas(stage: number, output: (line: string) => void): Promise<void> {
  const quiet = { output: () => {} };
  output('restarting the app replicas with the new tracing settings...');
  await stackStopService(stage, 'app', quiet);
  await stackStartService(stage, 'app', quiet);
}

async function withEnvironment<T>(env: Record<string, string>, run: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  Object.assign(process.env, env);
  try {
    return await run();
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

export const tracingOverhead = defineExperiment<TracingOverheadSide>({
  name: 'tracing-overhead',
  title: 'What tracing costs: off, sampled at 1%, sampled at 100% (closed model)',
  description:
    `The read-heavy mix, closed model (${readHeavy.connections} connections sending as fast as they are answered) ` +
    'through nginx to the three replicas, in one boot of the stage: with tracing off ' +
    '(OTEL_TRACES_EXPORTER=none: no instrumentation installed), keeping 1% of the traces (the shipped ' +
    'default), and every trace, exported to Zipkin; each twice, in the order off, 1%, 100%, 100%, 1%, off, so ' +
    'that a drift over the run weighs on every level alike. Between measurements every replica is stopped and started ' +
    'again with the new OTEL_* settings, then warmed up (not measured); the data, Postgres, PgBouncer, Redis and ' +
    'Zipkin stay up. Zipkin runs on CPU 1 with nginx and the data services, so the cost of 100% includes what it ' +
    'takes to receive and store the spans on this 2-core machine; the CPU per process says where it went. While ' +
    'Postgres is the bottleneck, throughput hides what the replicas spend, so the app CPU per request is reported too.',
  scale: 1,
  serverSeries: [requestRate, requestP95, processCpu],
  columns: [{ label: 'stage 3', stage: 3 }],
  async run({ session, seconds, output, fixtures, settings }) {
    const durationSeconds = seconds(30, 8);
    const warmUpSeconds = seconds(5, 2);
    const scenario = { ...readHeavy, durationSeconds };
    const runs: TracingLevelRun[] = [];
    for (const [index, level] of schedule.entries()) {
      const run = await withEnvironment(level.env, async () => {
        await restartReplicas(session.stage, output);
        const { result, cpu } = await runWarmedScenario({
          session,
          scenario,
          fixtures,
          warmUpSeconds,
          label: level.label,
          step: `[${index + 1}/${schedule.length}] `,
          output,
          signal: settings.signal,
        });
        return { label: level.label, env: level.env, result, cpu };
      });
      output(
        `${level.label}: ${Math.round(run.result.requestsPerSecond)} req/s, p99 ${run.result.latencyMs.p99.toFixed(1)} ms.`,
      );
      runs.push(run);
    }
    // The stage goes back to its shipped settings for whatever runs on it next.
    await restartReplicas(session.stage, output);
    return { runs };
  },
  compare([side]) {
    const summaries = levels.map((level) => summarize(level, side?.runs ?? []));
    const baseline = summaries[0];
    const row = (label: string, pick: (summary: LevelSummary) => number, decimals = 1) =>
      summaries.map((summary) => ({
        label: `${summary.label}: ${label}`,
        values: [pick(summary)],
        decimals,
      }));
    return {
      rows: [
        ...row('req/s', (summary) => summary.requestsPerSecond, 0),
        ...row('p99 ms', (summary) => summary.p99Ms),
        ...row('app CPU ms per request', (summary) => summary.appCpuMsPerRequest, 2),
        ...row('failed requests', (summary) => summary.failed, 0),
      ],
      panel: {
        title: 'Tracing off, sampled at 1% and at 100%: throughput (closed model)',
        unit: 'req/s',
        groups: summaries.map((summary) => ({ label: summary.label, values: [summary.requestsPerSecond] })),
      },
      details: [
        'Each level is the mean of its two measurements. Against tracing off, in this one run:',
        '',
        markdownTable(
          ['tracing', 'req/s', 'change', 'p99 ms', 'change', 'app CPU ms per request', 'change'],
          summaries.map((summary) => [
            summary.label,
            summary.requestsPerSecond.toFixed(0),
            change(baseline?.requestsPerSecond, summary.requestsPerSecond),
            summary.p99Ms.toFixed(1),
            change(baseline?.p99Ms, summary.p99Ms),
            summary.appCpuMsPerRequest.toFixed(2),
            change(baseline?.appCpuMsPerRequest, summary.appCpuMsPerRequest),
          ]),
        ),
        '',
        'Every measurement, in the order it ran:',
        '',
        markdownTable(
          ['#', 'tracing', 'req/s', 'p50 ms', 'p99 ms', 'app CPU ms per request'],
          (side?.runs ?? []).map((run, index) => [
            String(index + 1),
            run.label,
            run.result.requestsPerSecond.toFixed(0),
            run.result.latencyMs.p50.toFixed(1),
            run.result.latencyMs.p99.toFixed(1),
            appCpuMsPerRequest(run).toFixed(2),
          ]),
        ),
        '',
        'CPU time per process during each measurement (% of one CPU; a process counts its children):',
        '',
        renderCpuTable(side?.runs ?? []),
      ].join('\n'),
    };
  },
});

interface LevelSummary {
  label: string;
  requestsPerSecond: number;
  p99Ms: number;
  appCpuMsPerRequest: number;
  failed: number;
}

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);

function summarize(level: TracingLevel, runs: TracingLevelRun[]): LevelSummary {
  const mine = runs.filter((run) => run.label === level.label);
  return {
    label: level.label,
    requestsPerSecond: mean(mine.map((run) => run.result.requestsPerSecond)),
    p99Ms: mean(mine.map((run) => run.result.latencyMs.p99)),
    appCpuMsPerRequest: mean(mine.map(appCpuMsPerRequest)),
    failed: mine.reduce((sum, run) => sum + failedRequests(run.result), 0),
  };
}

/**
 * What the replicas spent per request served, in CPU milliseconds: the cost of tracing where it is paid, which
 * throughput hides while Postgres on the other CPU is the bottleneck.
 */
function appCpuMsPerRequest(run: TracingLevelRun): number {
  const appPercent = Object.entries(run.cpu.groups)
    .filter(([name]) => /^app(\.\d+)?$/.test(name))
    .reduce((sum, [, percent]) => sum + percent, 0);
  // % of one CPU = CPU-ms per 10 ms of wall time; per request: (percent * 10) ms per second / requests per second.
  return run.result.requestsPerSecond > 0 ? (appPercent * 10) / run.result.requestsPerSecond : 0;
}

function change(before: number | undefined, after: number): string {
  if (before === undefined || before === 0) return 'n/a';
  const percent = ((after - before) / before) * 100;
  return `${percent >= 0 ? '+' : ''}${percent.toFixed(1)}%`;
}

function renderCpuTable(runs: TracingLevelRun[]): string {
  const names = [...new Set(runs.flatMap((run) => Object.keys(run.cpu.groups)))];
  const rows = names.map((name) => [name, ...runs.map((run) => run.cpu.groups[name]?.toFixed(1) ?? '')]);
  rows.push([
    'CPUs busy (CPU 0 / CPU 1), %',
    ...runs.map((run) => run.cpu.cpus.map((busy) => busy.toFixed(1)).join(' / ')),
  ]);
  return markdownTable(['process', ...runs.map((run, index) => `${index + 1}. ${run.label}`)], rows);
}
