import { setTimeout as sleep } from 'node:timers/promises';
import { queryRows } from '../database.ts';
import { marksBySecond, reportDrill } from '../drill-report.ts';
import type { Drill } from '../experiment.ts';
import { runWithFault, usualFaultTiming } from '../fault-run.ts';
import { renderMessageCounts } from '../load-summary.ts';
import { runOwnWrites, summarizeOwnWrites, type WriteReadPair } from '../own-writes.ts';
import {
  everyApp,
  firstSampleAt,
  readsBetween,
  replicaLabel,
  rotationSection,
  waitUntilInRotation,
  watchRotation,
} from '../replica-rotation.ts';
import { databaseReadRate, replicaLagSeconds, requestRate, serverErrorRate } from '../server-series.ts';
import { startCold } from '../stage-caches.ts';
import { appInstances, databaseServers, originUrl } from '../stage-services.ts';
import { classifyOutcome } from '../timeline.ts';
import { keyedLoad, keyedLoadRate, keyedLoadThroughEdge } from './balancer-drill.ts';

/** How long a resumed replica may take to be back in rotation on every app. */
const rejoinTimeoutMs = 30_000;

const title = "A replica's replay is paused under load";
const description =
  `${keyedLoadThroughEdge}, ` +
  'and meanwhile the 8 logged-in users write and at once read back what they wrote, pair after pair, ' +
  "through nginx. One replica's WAL replay is paused (pg_wal_replay_pause() as the superuser on its own port): it " +
  "keeps answering, but with data that grows older every second. Reads that need a user's own write must go to " +
  'a replica that has replayed it, or to the primary, from the first moment; once its lag passes ' +
  'REPLICA_MAX_LAG_SECONDS every app takes it out of rotation and its reads go elsewhere. Replay is resumed ' +
  'afterwards and the replica must come back into rotation by itself.';

export const replicaLag: Drill = {
  name: 'replica-lag',
  title,
  description,
  scale: 1,
  serverSeries: [requestRate, serverErrorRate, databaseReadRate, replicaLagSeconds],
  async run(context) {
    const { session, seconds, output, fixtures, settings } = context;
    await startCold(session.stage, output);
    const replicas = databaseServers(session.stage).filter((server) => server.role === 'replica');
    const victim = replicas[0];
    if (!victim)
      throw new Error(`Stage ${session.stage} runs no database replica, so there is no replay to pause.`);
    const { durationSeconds, faultAtSeconds } = {
      ...usualFaultTiming(seconds),
      durationSeconds: seconds(45, 30),
    };
    const pauseSeconds = seconds(15, 8);
    output(
      `${keyedLoadRate} req/s for ${durationSeconds} s with write-then-read pairs; at ${faultAtSeconds} s ${victim.name}'s replay pauses for ${pauseSeconds} s...`,
    );
    const watch = watchRotation(appInstances(session.stage));
    const pairsDone = new AbortController();
    const pairs: { atMs: number; pair: WriteReadPair }[] = [];
    const started = performance.now();
    const writing = runOwnWrites({
      baseUrl: originUrl(session.stage),
      tokens: fixtures.tokens,
      slugs: fixtures.slugs.slice(0, 200),
      pairs: 1_000_000,
      signal: AbortSignal.any([settings.signal, pairsDone.signal]),
      onPair: (pair) => pairs.push({ atMs: performance.now() - started, pair }),
    });
    let run: Awaited<ReturnType<typeof runWithFault>>;
    try {
      run = await runWithFault({
        ...keyedLoad(context, 'replica-lag'),
        durationSeconds,
        faultAtSeconds,
        async inject(mark) {
          await queryRows(victim.url, 'SELECT pg_wal_replay_pause()');
          const pausedAt = mark(`${victim.name} replay paused`);
          try {
            await sleep(pauseSeconds * 1000);
          } finally {
            await queryRows(victim.url, 'SELECT pg_wal_replay_resume()');
          }
          const resumedAt = mark(`${victim.name} replay resumed`);
          if (
            await waitUntilInRotation(
              watch.samples,
              replicaLabel(watch.samples, 0),
              resumedAt,
              rejoinTimeoutMs,
            )
          ) {
            mark(`${victim.name} in rotation on every app`);
            return;
          }
          output(
            `${victim.name} was paused at ${pausedAt} ms and not back in rotation within ${rejoinTimeoutMs} ms of resuming.`,
          );
        },
      });
    } finally {
      pairsDone.abort();
      await writing;
      // Never leave the replica paused, whatever happened above.
      await queryRows(victim.url, 'SELECT pg_wal_replay_resume()').catch(() => undefined);
    }
    const samples = await watch.stop();
    const label = replicaLabel(samples, 0) ?? 'unknown';
    const pausedAt = run.marks[`${victim.name} replay paused`] ?? 0;
    const resumedAt = run.marks[`${victim.name} replay resumed`] ?? pausedAt;
    const rejoinedAt = run.marks[`${victim.name} in rotation on every app`];
    const outAt = firstSampleAt(samples, pausedAt, (sample) => everyApp(sample, label, 0));
    const readsWhileOut = outAt === undefined ? undefined : readsBetween(samples, label, outAt, resumedAt);
    const failed = run.outcomes.filter((outcome) => classifyOutcome(outcome) === 'failed');
    const all = summarizeOwnWrites(pairs.map(({ pair }) => pair));
    const whilePaused = summarizeOwnWrites(
      pairs.filter(({ atMs }) => atMs >= pausedAt && atMs < resumedAt).map(({ pair }) => pair),
    );
    return reportDrill(context, {
      title,
      description,
      run,
      facts: {
        'paused replica (the apps call it)': `${victim.name} (${label})`,
        'out of rotation on every app, after the pause':
          outAt === undefined ? 'never' : `${Math.round(outAt - pausedAt)} ms`,
        [`reads on ${label} while out of rotation`]: readsWhileOut ?? 'n/a',
        'back in rotation on every app, after resuming':
          rejoinedAt === undefined ? 'not within the run' : `${rejoinedAt - resumedAt} ms`,
        'write-then-read pairs: judged / stale / failed (whole run)': `${all.judged} / ${all.stale} / ${all.failed}`,
        'write-then-read pairs while paused: judged / stale / failed': `${whilePaused.judged} / ${whilePaused.stale} / ${whilePaused.failed}`,
        'failed requests of the load (no answer or 5xx)': failed.length,
      },
      checks: [
        {
          name: 'No stale own-read, the whole run',
          passed: all.judged > 0 && all.stale === 0,
          detail: `${all.stale} of ${all.judged} pairs read without the user's own write (${whilePaused.judged} judged while paused).`,
        },
        {
          name: 'Every app took the paused replica out of rotation, and no read ran on it meanwhile',
          passed: outAt !== undefined && readsWhileOut === 0,
          detail:
            outAt === undefined
              ? 'Never out of rotation on every app during the pause.'
              : `Out on every app ${Math.round(outAt - pausedAt)} ms after the pause; ${readsWhileOut} reads ran on it from then until replay resumed.`,
        },
        {
          name: 'Back in rotation after replay resumed',
          passed: rejoinedAt !== undefined,
          detail:
            rejoinedAt === undefined
              ? `Not within ${rejoinTimeoutMs / 1000} s.`
              : `${rejoinedAt - resumedAt} ms after resuming.`,
        },
        {
          name: 'No request of the load failed',
          passed: failed.length === 0,
          detail: `${failed.length} failed of ${run.outcomes.length}.`,
        },
      ],
      sections: [
        { title: 'Write-then-read pairs that failed', body: renderMessageCounts(all.errors) },
        rotationSection(samples, marksBySecond(run.marks)),
      ],
    });
  },
};
