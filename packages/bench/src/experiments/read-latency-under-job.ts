import { weeklyDigestPayload } from '@scaling/jobs';
import { readLatency } from '@scaling/loadtests/scenarios/read-latency';
import { databaseNow, queryRows } from '../database.ts';
import { beforeAndAfter, defineExperiment, type ExperimentContext } from '../experiment.ts';
import { type JobPressureSummary, startJobPressure } from '../job-pressure.ts';
import { loadProgress } from '../live-progress.ts';
import { failedRequests } from '../load-summary.ts';
import { type OpenLoadResult, runOpenLoad } from '../open-load.ts';
import { runScenario } from '../run-scenario.ts';
import {
  eventLoopDelayP99,
  jobQueueDepth,
  poolAcquireP95,
  poolWaiting,
  postgresConnections,
  processCpu,
  requestP95,
  requestRate,
} from '../server-series.ts';
import { markdownTable } from '../table.ts';

/** The arrival rate is this share of the previous stage's closed-model maximum: loaded, not saturated. */
const loadFactor = 0.4;
const calibrationConnections = 32;
/** As many as stage 1's in-process worker runs at once (JOBS_CONCURRENCY=2): every job slot stays busy. */
const outstandingJobs = 2;
/**
 * The seed's last full week (its articles span 2023 and 2024) with a year of look-back and ten articles per digest:
 * every user gets a digest, so each job joins and renders a lot, in SQL and in JavaScript (seconds at scale 1).
 */
export const digestPayload = weeklyDigestPayload({ week: '2024-12-23', days: 365, articlesPerDigest: 10 });

/** The n-th job renders the week n weeks earlier: new digest rows, so the rows written count the work done. */
export function digestPayloadFor(index: number) {
  const week = new Date(Date.parse(`${digestPayload.week}T00:00:00Z`) - index * 7 * 24 * 3600 * 1000);
  return weeklyDigestPayload({ ...digestPayload, week });
}

export interface Calibration {
  connections: number;
  durationSeconds: number;
  closedRequestsPerSecond: number;
}

export interface ReadLatencySide {
  calibration: Calibration | undefined;
  requestsPerSecond: number;
  withoutJob: OpenLoadResult;
  withJob: OpenLoadResult;
  job: JobPressureSummary & { digestsMade: number };
}

export const readLatencyUnderJob = defineExperiment<ReadLatencySide>({
  name: 'read-latency-under-job',
  title: 'Read latency while a heavy background job runs',
  description:
    'The reads of the browsing mix at a fixed arrival rate (open model: latency counts from when each request was ' +
    `due), first with no background work, then while the weekly-digest job runs without a break (the bench keeps ${outstandingJobs} ` +
    'queued). In stage 1 the job runs inside the API process, on the CPU Postgres also uses; from stage 2 on it runs in ' +
    "the worker process. The rate is set once, from the previous stage's closed-model maximum, and used for both stages.",
  scale: 1,
  serverSeries: [
    requestRate,
    requestP95,
    poolWaiting,
    poolAcquireP95,
    jobQueueDepth,
    postgresConnections,
    processCpu,
    eventLoopDelayP99,
  ],
  async run(context) {
    const { session, output } = context;
    const calibration = context.before ? undefined : await calibrate(context);
    const requestsPerSecond =
      context.before?.requestsPerSecond ??
      Math.max(10, Math.round(((calibration as Calibration).closedRequestsPerSecond * loadFactor) / 10) * 10);
    const durationSeconds = context.seconds(30, 8);
    const measure = (label: string) => {
      output(`${label}: ${requestsPerSecond} req/s for ${durationSeconds} s (open model)...`);
      return runOpenLoad({
        baseUrl: session.baseUrl,
        name: readLatency.name,
        requests: readLatency.requests,
        fixtures: context.fixtures,
        requestsPerSecond,
        durationSeconds,
        onProgress: loadProgress(`${session.label} ${label}`),
        signal: context.settings.signal,
      });
    };

    const warmUpSeconds = context.seconds(10, 3);
    output(`Warming up for ${warmUpSeconds} s (not measured)...`);
    await runOpenLoad({
      baseUrl: session.baseUrl,
      name: 'warm-up',
      requests: readLatency.requests,
      fixtures: context.fixtures,
      requestsPerSecond,
      durationSeconds: warmUpSeconds,
      randomSeed: 2,
      signal: context.settings.signal,
    });
    const withoutJob = await measure('no background job');
    output(
      `Keeping ${session.jobRunner} busy with weekly-digest jobs (${JSON.stringify(digestPayload)}, a week earlier each)...`,
    );
    const pressure = startJobPressure({
      databaseUrl: session.databaseUrl,
      kind: 'weekly-digest',
      payload: digestPayloadFor,
      outstanding: outstandingJobs,
    });
    let withJob: OpenLoadResult;
    let windowStart: Date;
    let windowEnd: Date;
    let summary: JobPressureSummary;
    try {
      await pressure.running();
      windowStart = await databaseNow(session.databaseUrl);
      withJob = await measure('weekly-digest running');
      windowEnd = await databaseNow(session.databaseUrl);
    } finally {
      output('Withdrawing the queued digests and letting the running ones finish...');
      summary = await pressure.stop({ output });
    }
    const [counted] = await queryRows<{ count: string }>(
      session.databaseUrl,
      'SELECT count(*) FROM digests WHERE created_at >= $1 AND created_at < $2',
      [windowStart, windowEnd],
    );
    const digestsMade = Number(counted?.count ?? 0);
    output(`${digestsMade.toLocaleString('en-US')} digests written during the measurement.`);
    return { calibration, requestsPerSecond, withoutJob, withJob, job: { ...summary, digestsMade } };
  },
  compare(results, labels) {
    const [before, after] = beforeAndAfter(results);
    const rows = (label: string, pick: (side: ReadLatencySide) => number, decimals = 1) => ({
      label,
      values: [pick(before), pick(after)],
      decimals,
    });
    const job = 'weekly-digest running';
    return {
      rows: [
        rows('p50 ms, no job', (side) => side.withoutJob.latencyMs.p50),
        rows('p95 ms, no job', (side) => side.withoutJob.latencyMs.p95),
        rows('p99 ms, no job', (side) => side.withoutJob.latencyMs.p99),
        rows(`p50 ms, ${job}`, (side) => side.withJob.latencyMs.p50),
        rows(`p95 ms, ${job}`, (side) => side.withJob.latencyMs.p95),
        rows(`p99 ms, ${job}`, (side) => side.withJob.latencyMs.p99),
        rows(`max ms, ${job}`, (side) => side.withJob.latencyMs.max),
        rows(`failed requests, ${job}`, (side) => failedRequests(side.withJob), 0),
        rows('digests written during the window', (side) => side.job.digestsMade, 0),
      ],
      panel: {
        title: `Read latency at ${before.requestsPerSecond} req/s, without and with the weekly-digest job`,
        unit: 'ms',
        groups: [
          { label: 'p95, no job', values: [before.withoutJob.latencyMs.p95, after.withoutJob.latencyMs.p95] },
          { label: 'p99, no job', values: [before.withoutJob.latencyMs.p99, after.withoutJob.latencyMs.p99] },
          { label: 'p95, job running', values: [before.withJob.latencyMs.p95, after.withJob.latencyMs.p95] },
          { label: 'p99, job running', values: [before.withJob.latencyMs.p99, after.withJob.latencyMs.p99] },
        ],
      },
      details: [
        before.calibration
          ? `Rate: ${before.requestsPerSecond} req/s = ${Math.round(loadFactor * 100)}% of ${labels[0]}'s closed-model maximum ` +
            `(${Math.round(before.calibration.closedRequestsPerSecond)} req/s with ${before.calibration.connections} connections ` +
            `over ${before.calibration.durationSeconds} s). Job payload: \`${JSON.stringify(digestPayload)}\`, each ` +
            'next job a week earlier (fresh rows: the digests written count the work done).'
          : '',
        '',
        markdownTable(
          [
            'stage',
            'digest jobs finished',
            'digests written',
            'load generator send lag p99 ms (no job / job)',
          ],
          [jobRow(labels[0] ?? 'before', before), jobRow(labels[1] ?? 'after', after)],
        ),
      ].join('\n'),
    };
  },
});

function jobRow(label: string, side: ReadLatencySide): string[] {
  return [
    label,
    String(side.job.finished),
    side.job.digestsMade.toLocaleString('en-US'),
    `${side.withoutJob.sendLagP99Ms.toFixed(1)} / ${side.withJob.sendLagP99Ms.toFixed(1)}`,
  ];
}

async function calibrate(context: ExperimentContext<ReadLatencySide>): Promise<Calibration> {
  const durationSeconds = context.seconds(15, 5);
  context.output(
    `Calibrating: the most ${context.session.label} serves, closed model, ${calibrationConnections} connections for ${durationSeconds} s...`,
  );
  const result = await runScenario({
    baseUrl: context.session.baseUrl,
    scenario: {
      name: `${readLatency.name} (closed)`,
      description: readLatency.description,
      model: 'closed',
      connections: calibrationConnections,
      durationSeconds,
      requests: readLatency.requests,
    },
    fixtures: context.fixtures,
    onProgress: loadProgress(`${context.session.label} calibration`),
    signal: context.settings.signal,
  });
  return {
    connections: calibrationConnections,
    durationSeconds,
    closedRequestsPerSecond: result.requestsPerSecond,
  };
}
