import { setTimeout as sleep } from 'node:timers/promises';
import { stackKill, stackServiceStatus, stackStartService, stackWaitReady } from '@scaling/stack';
import { marksBySecond, reportDrill } from '../drill-report.ts';
import type { Drill } from '../experiment.ts';
import { runWithFault, usualFaultTiming } from '../fault-run.ts';
import { isRead } from '../keyed-writes.ts';
import { countBy, renderMessageCounts } from '../load-summary.ts';
import {
  everyApp,
  firstSampleAt,
  readsBetween,
  replicaLabel,
  rotationSection,
  waitUntilInRotation,
  watchRotation,
} from '../replica-rotation.ts';
import {
  databaseReadRate,
  replicaLagSeconds,
  requestRate,
  serverErrorRate,
  targetsUp,
} from '../server-series.ts';
import { startCold } from '../stage-caches.ts';
import { appInstances, databaseServers } from '../stage-services.ts';
import { classifyOutcome } from '../timeline.ts';
import { keyedLoad, keyedLoadRate, keyedLoadThroughEdge } from './balancer-drill.ts';

/** How long the drill waits for the supervisor to bring the replica back before starting it itself. */
const restartGraceMs = 10_000;
/** How long a restarted replica may take to be taken back into rotation by every app. */
const rejoinTimeoutMs = 60_000;

const title = 'A database replica is killed (SIGKILL) under load';
const description =
  `${keyedLoadThroughEdge}. ` +
  "One streaming replica's Postgres gets SIGKILL (a crash: no shutdown, its PgBouncer stays up and loses " +
  'its server connections). A read that fails on it with a connection error is retried on the primary and the ' +
  'replica leaves rotation, so no read may fail. The replica comes back (restarted by the supervisor, or by the ' +
  'drill when its restart policy does not), recovers from its WAL, resumes streaming, and the apps take it back ' +
  "into rotation once their poll sees it replaying: the time that takes is measured from the app replicas' " +
  'metrics (db_replica_in_rotation, polled every 250 ms).';

export const databaseReplicaKill: Drill = {
  name: 'replica-kill',
  title,
  description,
  scale: 1,
  serverSeries: [requestRate, serverErrorRate, targetsUp, databaseReadRate, replicaLagSeconds],
  async run(context) {
    const { session, seconds, output } = context;
    await startCold(session.stage, output);
    const replicas = databaseServers(session.stage).filter((server) => server.role === 'replica');
    const victim = replicas[0]?.name;
    if (!victim)
      throw new Error(`Stage ${session.stage} runs no database replica, so this drill has nothing to kill.`);
    const statusBefore = await stackServiceStatus(session.stage, victim);
    const { durationSeconds, faultAtSeconds } = {
      ...usualFaultTiming(seconds),
      durationSeconds: seconds(60, 40),
    };
    output(
      `${keyedLoadRate} req/s for ${durationSeconds} s; at ${faultAtSeconds} s ${victim} gets SIGKILL...`,
    );
    const watch = watchRotation(appInstances(session.stage));
    const run = await runWithFault({
      ...keyedLoad(context, 'replica-kill'),
      durationSeconds,
      faultAtSeconds,
      async inject(mark) {
        mark('SIGKILL begins');
        await stackKill(session.stage, victim, { signal: 'SIGKILL', output });
        mark(`SIGKILL ${victim}`);
        const deadline = Date.now() + restartGraceMs;
        let restarted = false;
        while (Date.now() < deadline) {
          const status = await stackServiceStatus(session.stage, victim);
          if (status.pid !== null && status.pid !== statusBefore.pid) {
            restarted = true;
            break;
          }
          await sleep(200);
        }
        if (!restarted) {
          mark(`${victim} started by the drill`);
          await stackStartService(session.stage, victim, { output });
        }
        await stackWaitReady(session.stage, victim);
        const readyAt = mark(`${victim} ready again`);
        const label = replicaLabel(
          watch.samples,
          replicas.findIndex((replica) => replica.name === victim),
        );
        if (await waitUntilInRotation(watch.samples, label, readyAt, rejoinTimeoutMs)) {
          mark(`${victim} in rotation on every app`);
        }
      },
    });
    const samples = await watch.stop();
    const statusAfter = await stackServiceStatus(session.stage, victim);
    const label =
      replicaLabel(
        samples,
        replicas.findIndex((replica) => replica.name === victim),
      ) ?? 'unknown';
    const killAt = run.marks[`SIGKILL ${victim}`] ?? 0;
    const readyAt = run.marks[`${victim} ready again`];
    const rejoinedAt = run.marks[`${victim} in rotation on every app`];
    const outAt = firstSampleAt(samples, killAt, (sample) => everyApp(sample, label, 0));
    const failed = run.outcomes.filter((outcome) => classifyOutcome(outcome) === 'failed');
    const failedReads = failed.filter(isRead);
    const readsAfterRejoin =
      rejoinedAt === undefined ? 0 : readsBetween(samples, label, rejoinedAt, Number.POSITIVE_INFINITY);
    return reportDrill(context, {
      title,
      description,
      run,
      facts: {
        [`${victim} (the apps call it ${label}) pid before → after (restarts)`]: `${statusBefore.pid} → ${statusAfter.pid} (${statusBefore.restarts} → ${statusAfter.restarts})`,
        'out of rotation on every app, after the SIGKILL':
          outAt === undefined ? 'never seen' : `${Math.round(outAt - killAt)} ms`,
        'down (SIGKILL → ready again)': readyAt === undefined ? 'not ready' : `${readyAt - killAt} ms`,
        'time until it rejoined (ready again → in rotation on every app)':
          readyAt === undefined || rejoinedAt === undefined ? 'did not rejoin' : `${rejoinedAt - readyAt} ms`,
        [`reads on ${label} after it rejoined`]: readsAfterRejoin,
        'failed reads / failed writes (no answer or 5xx)': `${failedReads.length} / ${failed.length - failedReads.length}`,
      },
      checks: [
        {
          name: 'No read failed',
          passed: failedReads.length === 0,
          detail: `${failedReads.length} failed GETs of ${run.outcomes.filter(isRead).length}.`,
        },
        {
          name: 'No request failed at all (writes never touch a replica)',
          passed: failed.length === 0,
          detail: `${failed.length} failed requests of ${run.outcomes.length}.`,
        },
        {
          name: `${victim} came back and every app took it back into rotation`,
          passed: rejoinedAt !== undefined,
          detail:
            rejoinedAt === undefined
              ? `Not in rotation on every app within ${rejoinTimeoutMs / 1000} s of being ready.`
              : `Ready at ${((readyAt ?? 0) / 1000).toFixed(1)} s, in rotation on every app at ${(rejoinedAt / 1000).toFixed(1)} s.`,
        },
        {
          name: `Reads reached ${victim} again after it rejoined`,
          passed: readsAfterRejoin > 0,
          detail: `${readsAfterRejoin} reads ran on ${label} after it rejoined.`,
        },
      ],
      sections: [
        {
          title: 'Failed requests',
          body: renderMessageCounts(
            countBy(
              failed,
              (outcome) => `${outcome.request.method} ${outcome.name}: ${outcome.status ?? outcome.error}`,
            ),
          ),
        },
        rotationSection(samples, marksBySecond(run.marks)),
      ],
    });
  },
};
