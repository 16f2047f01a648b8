import { readHeavy } from '@scaling/loadtests/scenarios/read-heavy';
import { stackStartService, stackStatus, stackStopService } from '@scaling/stack';
import { type CpuUsage, cpuUsageBetween, stageCpuGroups, takeSnapshot } from '../cpu-usage.ts';
import { defineExperiment } from '../experiment.ts';
import { loadProgress } from '../live-progress.ts';
import { failedRequests } from '../load-summary.ts';
import { runScenario, type ScenarioResult } from '../run-scenario.ts';
import { processCpu, requestP95, requestRate } from '../server-series.ts';
import { markdownTable } from '../table.ts';

const loadGenerator = 'load generator (this bench)';

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

export interface TracingLevelRun {
  label: string;
  env: TracingLevel['env'];
  result: ScenarioResult;
  cpu: CpuUsage;
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
    'through nginx to the three replicas, three times in one boot of the stage: with tracing off ' +
    '(OTEL_TRACES_EXPORTER=none: no instrumentation installed), then keeping 1% of the traces (the shipped ' +
    'default), then every trace, exported to Zipkin. Between measurements every replica is stopped and started ' +
    'again with the new OTEL_* settings, then warmed up (not measured); the data, Postgres, PgBouncer, Redis and ' +
    'Zipkin stay up. Zipkin runs on CPU 1 with nginx and the data services, so the cost of 100% includes what it ' +
    'takes to receive and store the spans on this 2-core machine; the CPU per process says where it went.',
  scale: 1,
  serverSeries: [requestRate, requestP95, processCpu],
  columns: [{ label: 'stage 3', stage: 3 }],
  async run({ session, seconds, output, fixtures, settings }) {
    const durationSeconds = seconds(30, 8);
    const warmUpSeconds = seconds(5, 2);
    const scenario = { ...readHeavy, durationSeconds };
    const runs: TracingLevelRun[] = [];
    for (const level of levels) {
      const run = await withEnvironment(level.env, async () => {
        await restartReplicas(session.stage, output);
        output(`${level.label}: warming up for ${warmUpSeconds} s (not measured)...`);
        await runScenario({
          baseUrl: session.baseUrl,
          scenario,
          fixtures,
          durationSeconds: warmUpSeconds,
          randomSeed: 2,
          signal: settings.signal,
        });
        const groups = stageCpuGroups(await stackStatus(session.stage), loadGenerator);
        output(`${level.label}: ${scenario.connections} connections for ${durationSeconds} s...`);
        const start = takeSnapshot();
        const result = await runScenario({
          baseUrl: session.baseUrl,
          scenario,
          fixtures,
          onProgress: loadProgress(`${session.label} ${level.label}`),
          signal: settings.signal,
        });
        return {
          label: level.label,
          env: level.env,
          result,
          cpu: cpuUsageBetween(start, takeSnapshot(), groups),
        };
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
    const runs = side?.runs ?? [];
    const baseline = runs[0];
    const row = (label: string, pick: (run: TracingLevelRun) => number, decimals = 1) =>
      runs.map((run) => ({ label: `${run.label}: ${label}`, values: [pick(run)], decimals }));
    return {
      rows: [
        ...row('req/s', (run) => run.result.requestsPerSecond, 0),
        ...row('p50 ms', (run) => run.result.latencyMs.p50),
        ...row('p99 ms', (run) => run.result.latencyMs.p99),
        ...row('failed requests', (run) => failedRequests(run.result), 0),
      ],
      panel: {
        title: 'Tracing off, sampled at 1% and at 100%: throughput (closed model)',
        unit: 'req/s',
        groups: runs.map((run) => ({ label: run.label, values: [run.result.requestsPerSecond] })),
      },
      details: [
        'Against tracing off, in this one run:',
        '',
        markdownTable(
          ['tracing', 'req/s', 'change', 'p99 ms', 'change'],
          runs.map((run) => [
            run.label,
            run.result.requestsPerSecond.toFixed(0),
            change(baseline?.result.requestsPerSecond, run.result.requestsPerSecond),
            run.result.latencyMs.p99.toFixed(1),
            change(baseline?.result.latencyMs.p99, run.result.latencyMs.p99),
          ]),
        ),
        '',
        'CPU time per process during each measurement (% of one CPU; a process counts its children):',
        '',
        renderCpuTable(runs),
      ].join('\n'),
    };
  },
});

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
  return markdownTable(['process', ...runs.map((run) => run.label)], rows);
}
