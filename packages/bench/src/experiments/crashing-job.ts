import { setTimeout as sleep } from 'node:timers/promises';
import { stackKill, stackServiceStatus, stackWaitReady } from '@scaling/stack';
import { beforeAndAfter, defineExperiment } from '../experiment.ts';
import { runWithFault, usualFaultTiming } from '../fault-run.ts';
import { enqueueJob, type JobRow, jobState, waitUntilClaimed, waitUntilDone } from '../job-watch.ts';
import { failedRequests, renderMessageCounts } from '../load-summary.ts';
import {
  jobQueueDepth,
  jobQueueOldestAge,
  processCpu,
  requestRate,
  serverErrorRate,
  targetsUp,
} from '../server-series.ts';
import { rejectedTokens } from '../sessions.ts';
import { readHeavyLoad } from '../steady-load.ts';
import { markdownTable } from '../table.ts';
import type { OutageWindow, TimelineBucket } from '../timeline.ts';
import { digestPayload } from './read-latency-under-job.ts';

const requestsPerSecond = 50;

export interface CrashSide {
  service: string;
  pidBefore: number | null;
  pidAfter: number | null;
  restarts: number;
  requestsPerSecond: number;
  durationSeconds: number;
  /** ms since the load started: job enqueued, job claimed, SIGKILL sent, ready again. */
  marks: Record<string, number>;
  requests: number;
  failedRequests: number;
  errorsByMessage: Record<string, number>;
  outage: OutageWindow | null;
  /** 401 answers during the run: requests whose session no longer existed. */
  unauthorized: number;
  sessions: { checked: number; rejected: number };
  job: {
    id: number;
    attemptsWhenKilled: number;
    state: 'finished' | 'failed' | 'pending';
    attempts: number;
    /** From the kill to the job's finish on its retry, when it finished. */
    finishedAfterKillMs: number | null;
    leaseUntil: string | null;
    lastError: string | null;
  };
  timeline: TimelineBucket[];
}

export const crashingJob = defineExperiment<CrashSide>({
  name: 'crashing-job',
  title: 'A job that crashes its process (SIGKILL mid-job)',
  description:
    `Steady open-model load (the read-heavy mix with its logged-in users, ${requestsPerSecond} req/s). A weekly-digest ` +
    'job is enqueued; once a worker runs it, the process running it gets SIGKILL, as the OOM killer would do. In stage 1 ' +
    'that process is the API itself: requests fail until the supervisor has restarted it, and the sessions it kept in ' +
    'memory are gone. From stage 2 on it is the worker: the API does not notice. Either way the job is claimed again once ' +
    'its lease runs out.',
  scale: 1,
  serverSeries: [requestRate, serverErrorRate, targetsUp, jobQueueDepth, jobQueueOldestAge, processCpu],
  async run(context) {
    const { session, seconds, output, fixtures } = context;
    const { durationSeconds, faultAtSeconds } = usualFaultTiming(seconds);
    const service = session.jobRunner;
    const before = await stackServiceStatus(session.stage, service);
    let jobId = 0;
    let claimed: JobRow | undefined;
    let killedAt = 0;
    output(
      `${requestsPerSecond} req/s for ${durationSeconds} s; at ${faultAtSeconds} s a weekly-digest job starts and ${service} (pid ${before.pid}) gets SIGKILL...`,
    );
    const run = await runWithFault({
      ...readHeavyLoad(context, 'crash', requestsPerSecond),
      durationSeconds,
      faultAtSeconds,
      async inject(mark) {
        jobId = await enqueueJob(session.databaseUrl, 'weekly-digest', digestPayload);
        mark('job enqueued');
        claimed = await waitUntilClaimed(session.databaseUrl, jobId, 30_000);
        mark('job claimed');
        // Well into the job, not at its first query.
        await sleep(1_000);
        await stackKill(session.stage, service, { signal: 'SIGKILL', output });
        killedAt = Date.now();
        mark('SIGKILL');
        await stackWaitReady(session.stage, service);
        mark('ready again');
      },
    });
    const after = await stackServiceStatus(session.stage, service);
    const sessions = await rejectedTokens(session.baseUrl, fixtures.tokens);
    output(`${sessions.rejected} of ${sessions.checked} logged-in users lost their session.`);

    const leaseUntil = claimed?.lockedUntil ?? null;
    const waitMs = Math.max(0, (leaseUntil?.getTime() ?? Date.now()) - Date.now()) + seconds(60_000, 10_000);
    output(`Waiting up to ${Math.round(waitMs / 1000)} s for job ${jobId} to be retried after its lease...`);
    const job = await waitUntilDone(session.databaseUrl, jobId, waitMs, (row, waited) =>
      output(
        `job ${jobId}: ${jobState(row)}, attempt ${row.attempts}, ${Math.round(waited / 1000)} s waited`,
      ),
    );
    output(`Job ${jobId}: ${jobState(job)} after ${job.attempts} attempt(s).`);

    return {
      service,
      pidBefore: before.pid,
      pidAfter: after.pid,
      restarts: after.restarts,
      requestsPerSecond,
      durationSeconds,
      marks: run.marks,
      requests: run.load.requests,
      failedRequests: failedRequests(run.load),
      errorsByMessage: run.load.errorsByMessage,
      outage: run.outage,
      unauthorized: run.load.statusCodes[401] ?? 0,
      sessions,
      job: {
        id: jobId,
        attemptsWhenKilled: claimed?.attempts ?? 0,
        state: jobState(job),
        attempts: job.attempts,
        finishedAfterKillMs: job.finishedAt ? Math.max(0, job.finishedAt.getTime() - killedAt) : null,
        leaseUntil: leaseUntil?.toISOString() ?? null,
        lastError: job.lastError,
      },
      timeline: run.timeline,
    };
  },
  compare(results, labels) {
    const [before, after] = beforeAndAfter(results);
    const row = (label: string, pick: (side: CrashSide) => number | undefined, decimals = 0) => ({
      label,
      values: [pick(before), pick(after)],
      decimals,
    });
    const readyAfter = (side: CrashSide) =>
      side.marks['ready again'] !== undefined && side.marks.SIGKILL !== undefined
        ? side.marks['ready again'] - side.marks.SIGKILL
        : undefined;
    return {
      rows: [
        row('failed API requests (no answer or 5xx)', (side) => side.failedRequests),
        row('outage ms (first to last failed request)', (side) => side.outage?.durationMs ?? 0),
        row('ms from SIGKILL until the killed service was ready again', readyAfter),
        row('401 answers (sessions lost with the process)', (side) => side.unauthorized),
        row('logged-in users whose token was rejected afterwards', (side) => side.sessions.rejected),
        row('attempts the killed job took', (side) => side.job.attempts),
      ],
      panel: {
        title: `Crashing job: the API under ${before.requestsPerSecond} req/s while the job's process is killed`,
        unit: 'requests',
        groups: [
          { label: 'failed (no answer or 5xx)', values: [before.failedRequests, after.failedRequests] },
          { label: '401 (session lost)', values: [before.unauthorized, after.unauthorized] },
        ],
      },
      details: [
        markdownTable(
          ['stage', 'killed', 'pid before → after', 'restarts', 'the killed job'],
          labels.map((label, index) => {
            const side = index === 0 ? before : after;
            return [
              label,
              side.service,
              `${side.pidBefore} → ${side.pidAfter}`,
              String(side.restarts),
              describeJob(side),
            ];
          }),
        ),
        '',
        `Errors by message, ${labels[0]}:`,
        '',
        renderMessageCounts(before.errorsByMessage),
        '',
        `Errors by message, ${labels[1]}:`,
        '',
        renderMessageCounts(after.errorsByMessage),
        '',
        'Per second (requests by when they were due; ok / failed / 401):',
        '',
        renderSideBySideTimeline(before, after, labels),
      ].join('\n'),
    };
  },
});

function describeJob(side: CrashSide): string {
  const { job } = side;
  if (job.state === 'finished') {
    return `finished on attempt ${job.attempts}, ${Math.round((job.finishedAfterKillMs ?? 0) / 1000)} s after the kill`;
  }
  if (job.state === 'failed')
    return `failed after ${job.attempts} attempts: ${job.lastError ?? 'no error recorded'}`;
  return `not retried yet when the bench stopped waiting (lease until ${job.leaseUntil ?? 'unknown'})`;
}

function renderSideBySideTimeline(before: CrashSide, after: CrashSide, labels: string[]): string {
  const seconds = Math.max(before.timeline.length, after.timeline.length);
  const cell = (bucket: TimelineBucket | undefined) =>
    bucket ? `${bucket.ok} / ${bucket.failed} / ${bucket.unauthorized}` : '';
  const marksAt = (side: CrashSide, second: number) =>
    Object.entries(side.marks)
      .filter(([, ms]) => Math.floor(ms / 1000) === second)
      .map(([label]) => label)
      .join(', ');
  return markdownTable(
    ['s', labels[0] ?? 'before', 'events', labels[1] ?? 'after', 'events'],
    Array.from({ length: seconds }, (_, second) => [
      String(second),
      cell(before.timeline[second]),
      marksAt(before, second),
      cell(after.timeline[second]),
      marksAt(after, second),
    ]),
  );
}
