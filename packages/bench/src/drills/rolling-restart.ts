import { stackRestart } from '@scaling/stack';
import { marksBySecond, reportDrill } from '../drill-report.ts';
import type { Drill } from '../experiment.ts';
import { runWithFault } from '../fault-run.ts';
import { failedRequests } from '../load-summary.ts';
import {
  nginxActiveConnections,
  processMemory,
  requestRate,
  serverErrorRate,
  targetsUp,
} from '../server-series.ts';
import { bucketByReplica, renderReplicaTimeline } from '../timeline-by-class.ts';
import {
  keyedLoad,
  keyedLoadRate,
  keyedLoadThroughNginx,
  replicaNames,
  replicaStatuses,
} from './balancer-drill.ts';

const title = 'Rolling restart of every replica under load';
const description =
  `${keyedLoadThroughNginx}. ` +
  'Each replica in turn is restarted through the stack, as a deploy does: SIGTERM, then the replica fails its ' +
  'readiness, keeps serving for its drain delay with `Connection: close`, stops listening (nginx retries refused ' +
  'connections on another replica), finishes what is in flight and exits; it starts again, and the next one goes only ' +
  'once nginx sends requests to it again: being ready is not enough, since nginx keeps a replica that refused ' +
  'connections out of rotation for `fail_timeout` (5 s). No request may fail, and no logged-in user may notice ' +
  '(sessions live in Redis).';

export const rollingRestart: Drill = {
  name: 'rolling-restart',
  title,
  description,
  scale: 1,
  serverSeries: [requestRate, serverErrorRate, targetsUp, nginxActiveConnections, processMemory],
  async run(context) {
    const { session, seconds, output } = context;
    const replicas = replicaNames(session.stage);
    const durationSeconds = seconds(45, 35);
    const faultAtSeconds = seconds(8, 4);
    const before = await replicaStatuses(session.stage, replicas);
    output(
      `${keyedLoadRate} req/s for ${durationSeconds} s; from ${faultAtSeconds} s ${replicas.join(', ')} restart one after the other...`,
    );
    const run = await runWithFault({
      ...keyedLoad(context, 'rolling-restart'),
      durationSeconds,
      faultAtSeconds,
      async inject(mark) {
        for (const replica of replicas) {
          mark(`${replica} restart begins`);
          // Returns once nginx routes to the replica again, not merely once it is ready.
          await stackRestart(session.stage, replica, { output, onReady: () => mark(`${replica} ready`) });
          mark(`${replica} back in rotation`);
        }
      },
    });
    const after = await replicaStatuses(session.stage, replicas);
    const failed = failedRequests(run.load);
    const unauthorized = run.load.statusCodes[401] ?? 0;
    const answeredAfterRestart = replicas.filter((replica) => {
      const readyAt = run.marks[`${replica} ready`] ?? Number.POSITIVE_INFINITY;
      return run.outcomes.some((outcome) => outcome.servedBy === replica && outcome.scheduledAtMs > readyAt);
    });
    const restartMs = Object.fromEntries(
      replicas.map((replica) => {
        const begins = run.marks[`${replica} restart begins`] ?? 0;
        const ready = run.marks[`${replica} ready`] ?? 0;
        const back = run.marks[`${replica} back in rotation`] ?? 0;
        return [
          `${replica}: restart begins → ready → back in rotation`,
          `${ready - begins} ms → +${back - ready} ms`,
        ];
      }),
    );
    const writes = run.outcomes.filter((outcome) => outcome.request.method !== 'GET');
    const perReplica = bucketByReplica(run.outcomes, run.load.durationSeconds);
    // nginx's passive health check keeps a replica that refused connections out for fail_timeout, even once ready.
    const soleReplicaSeconds = perReplica.filter(
      (bucket) => Object.keys(bucket.replicas).length === 1,
    ).length;

    return reportDrill(context, {
      title,
      description,
      run,
      facts: {
        ...restartMs,
        'pids before → after': replicas
          .map((replica) => `${replica} ${before[replica]?.pid} → ${after[replica]?.pid}`)
          .join(', '),
        'writes sent (POST with a key, DELETE)': writes.length,
        'seconds in which a single replica answered every request': soleReplicaSeconds,
        '401 answers': unauthorized,
      },
      checks: [
        {
          name: 'No request failed',
          passed: failed === 0,
          detail: `${failed} failed (no answer or 5xx) of ${(run.load.requests + run.load.errors).toLocaleString('en-US')}.`,
        },
        {
          name: 'No logged-in user was logged out',
          passed: unauthorized === 0,
          detail: `${unauthorized} answers were 401.`,
        },
        {
          name: 'Every replica was replaced by a new process',
          passed: replicas.every(
            (replica) =>
              before[replica]?.pid != null &&
              after[replica]?.pid != null &&
              before[replica]?.pid !== after[replica]?.pid,
          ),
          detail: `${replicas
            .map((replica) => `${replica}: ${before[replica]?.pid} → ${after[replica]?.pid}`)
            .join(', ')}.`,
        },
        {
          name: 'Every replica answered requests again after its restart',
          passed: answeredAfterRestart.length === replicas.length,
          detail: `Answered after being ready again: ${answeredAfterRestart.join(', ') || 'none'}.`,
        },
      ],
      sections: [
        {
          title: 'Requests per replica per second',
          body: `Requests by the second they were due, by the replica that answered (X-Served-By).\n\n${renderReplicaTimeline(perReplica, marksBySecond(run.marks))}`,
        },
      ],
    });
  },
};
