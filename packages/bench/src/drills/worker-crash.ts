import { setTimeout as sleep } from 'node:timers/promises';
import { weeklyDigestPayload } from '@scaling/jobs';
import { stackKill, stackServiceStatus, stackWaitReady } from '@scaling/stack';
import { reportDrill } from '../drill-report.ts';
import type { Drill } from '../experiment.ts';
import { digestPayload } from '../experiments/read-latency-under-job.ts';
import { runWithFault, usualFaultTiming } from '../fault-run.ts';
import { enqueueJob, type JobRow, jobState, readJob, waitUntilClaimed, waitUntilDone } from '../job-watch.ts';
import { failedRequests } from '../load-summary.ts';
import { jobQueueDepth, jobQueueOldestAge, processCpu, requestP95, targetsUp } from '../server-series.ts';
import { readHeavyLoad } from '../steady-load.ts';

const requestsPerSecond = 50;
/** Jobs queued behind the one that gets killed: the restarted worker must finish them all. */
const queuedDigestWeeks = ['2024-12-16', '2024-12-09'];
const queuedRecomputes = 5;

const title = 'The worker is killed (SIGKILL) with jobs queued';
const description =
  `Steady open-model load (the read-heavy mix, ${requestsPerSecond} req/s). A weekly-digest job is enqueued with ` +
  `${queuedDigestWeeks.length} more digests and ${queuedRecomputes} popular-tag recomputes behind it; once the worker runs ` +
  'the first, it gets SIGKILL (an OOM kill). The API must not notice, the supervisor must restart the worker, and every ' +
  'job must finish: the killed one when its lease runs out.';

export const workerCrash: Drill = {
  name: 'worker-crash',
  title,
  description,
  scale: 1,
  serverSeries: [jobQueueDepth, jobQueueOldestAge, processCpu, targetsUp, requestP95],
  async run(context) {
    const { session, seconds, output } = context;
    const { durationSeconds, faultAtSeconds } = usualFaultTiming(seconds);
    const worker = session.jobRunner;
    const apiBefore = await stackServiceStatus(session.stage, session.apiService);
    const workerBefore = await stackServiceStatus(session.stage, worker);
    const jobIds: number[] = [];
    let killed: JobRow | undefined;
    output(
      `${requestsPerSecond} req/s for ${durationSeconds} s; at ${faultAtSeconds} s jobs are queued and ${worker} is killed...`,
    );
    const run = await runWithFault({
      ...readHeavyLoad(context, 'worker-crash', requestsPerSecond),
      durationSeconds,
      faultAtSeconds,
      async inject(mark) {
        const first = await enqueueJob(session.databaseUrl, 'weekly-digest', digestPayload);
        jobIds.push(first);
        for (const week of queuedDigestWeeks) {
          const payload = weeklyDigestPayload({ ...digestPayload, week });
          jobIds.push(await enqueueJob(session.databaseUrl, 'weekly-digest', payload));
        }
        for (let i = 0; i < queuedRecomputes; i++) {
          jobIds.push(await enqueueJob(session.databaseUrl, 'recompute-popular-tags', {}));
        }
        mark(`${jobIds.length} jobs enqueued`);
        killed = await waitUntilClaimed(session.databaseUrl, first, 30_000);
        mark('digest job claimed');
        await sleep(1_000);
        await stackKill(session.stage, worker, { signal: 'SIGKILL', output });
        mark('SIGKILL');
        await stackWaitReady(session.stage, worker);
        mark(`${worker} ready again`);
      },
    });
    const apiAfter = await stackServiceStatus(session.stage, session.apiService);
    const workerAfter = await stackServiceStatus(session.stage, worker);

    const leaseLeftMs = Math.max(0, (killed?.lockedUntil?.getTime() ?? Date.now()) - Date.now());
    const waitMs = leaseLeftMs + seconds(120_000, 60_000);
    output(
      `Waiting up to ${Math.round(waitMs / 1000)} s for all ${jobIds.length} jobs (the killed one after its lease)...`,
    );
    const started = Date.now();
    const jobs: JobRow[] = [];
    for (const id of jobIds) {
      jobs.push(
        await waitUntilDone(
          session.databaseUrl,
          id,
          Math.max(0, waitMs - (Date.now() - started)),
          (row, waited) =>
            output(
              `job ${id}: ${jobState(row)}, attempt ${row.attempts}, ${Math.round(waited / 1000)} s waited`,
            ),
        ),
      );
    }
    const killedJob = jobs[0] ?? (await readJob(session.databaseUrl, jobIds[0] ?? 0));
    const finished = jobs.filter((job) => jobState(job) === 'finished').length;
    const failed = failedRequests(run.load);

    return reportDrill(context, {
      title,
      description,
      run,
      facts: {
        [`${worker} pid before → after`]: `${workerBefore.pid} → ${workerAfter.pid}`,
        [`${session.apiService} pid before → after`]: `${apiBefore.pid} → ${apiAfter.pid}`,
        'jobs finished': `${finished} of ${jobs.length}`,
        'the killed job': `${jobState(killedJob)} after ${killedJob.attempts} attempts`,
      },
      checks: [
        {
          name: 'The API saw no failed request',
          passed: failed === 0,
          detail: `${failed} failed of ${(run.load.requests + run.load.errors).toLocaleString('en-US')}.`,
        },
        {
          name: `The supervisor restarted ${worker}`,
          passed:
            workerAfter.pid !== null &&
            workerAfter.pid !== workerBefore.pid &&
            workerAfter.restarts > workerBefore.restarts,
          detail: `pid ${workerBefore.pid} → ${workerAfter.pid}, restarts ${workerBefore.restarts} → ${workerAfter.restarts}.`,
        },
        {
          name: `The ${session.apiService} process was untouched`,
          passed: apiBefore.pid !== null && apiBefore.pid === apiAfter.pid,
          detail: `pid ${apiBefore.pid} → ${apiAfter.pid}.`,
        },
        {
          name: 'Every queued job finished, the killed one included',
          passed: finished === jobs.length && killedJob.attempts >= 2,
          detail: jobs.map((job) => `job ${job.id}: ${jobState(job)} (attempts ${job.attempts})`).join('; '),
        },
      ],
    });
  },
};
