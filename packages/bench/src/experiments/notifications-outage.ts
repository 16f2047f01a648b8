import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { mulberry32 } from '@scaling/seed';
import { stackStartService, stackStopService } from '@scaling/stack';
import { runClosedLoad } from '../closed-load.ts';
import {
  auditNotifications,
  compareEvents,
  describeMissing,
  type EventComparison,
  eventSources,
  type NotificationAudit,
  notificationCounts,
  notificationsDatabaseUrl,
  notificationsGroup,
  outboxEvents,
  processedEvents,
} from '../event-audit.ts';
import { defineExperiment } from '../experiment.ts';
import { caughtUp, type KafkaWatch, kafkaBrokers, watchKafka } from '../kafka-watch.ts';
import { type LatencyWindow, latencyWindows } from '../latency-windows.ts';
import { loadProgress } from '../live-progress.ts';
import { failedRequests } from '../load-summary.ts';
import { type OpenLoadResult, openLoadTimeoutMs, type RequestOutcome, runOpenLoad } from '../open-load.ts';
import { summarizeLatencies } from '../percentiles.ts';
import { consumerLag, outboxUnpublished, processCpu, requestP95, requestRate } from '../server-series.ts';
import { plannedWrites, prepareWriteWorkload, writeTemplates } from '../write-workload.ts';
import { threeShards } from './sharding-columns.ts';
import { articles, writeMixShape } from './write-throughput.ts';

/** The open rate, as a share of what the stage answered closed-model just before: loaded, not saturated. */
const shareOfSaturation = 0.5;
/** Publish p95 while the service is stopped may differ from running by this much (the goal). */
const p95Tolerance = 0.1;
const workerGroup = 'worker';
/** The chart's p95 is taken per window of this many seconds, by when each write was due. */
const windowSeconds = 5;
const drainTimeoutMs = 300_000;

interface LagSample {
  atMs: number;
  /** Per consumer group; missing when the broker did not answer. */
  lag: Record<string, number>;
}

export interface OutageSide {
  saturationWritesPerSecond: number;
  writesPerSecond: number;
  phases: { warmUpSeconds: number; runningSeconds: number; stoppedSeconds: number; afterSeconds: number };
  /** On the load's clock, ms. */
  stoppedAtMs: number;
  startedAtMs: number;
  load: OpenLoadResult;
  /** p95 ms of the writes due in each phase: every write, and article publishes alone. */
  p95: Record<'running' | 'stopped' | 'after', { all: number; publish: number; writes: number }>;
  /** Every write's latency per window, warm-up included: shows when in a phase the slow writes were. */
  windows: LatencyWindow[];
  lag: LagSample[];
  /** The highest lag sampled before the stop: the level of a group keeping up under this load. */
  runningLagLevel: number;
  peakLag: number;
  /** Messages the notifications group was still behind when the bench stopped waiting (0 once drained). */
  behindAtEnd: number | undefined;
  /** From the service's start to its lag back at the running level; undefined if never within the run. */
  drainedToRunningLevelMs: number | undefined;
  /** From the service's start to the first sample with lag 0 (every event committed); undefined if none. */
  drainedToZeroMs: number | undefined;
  notifications: NotificationAudit;
  events: EventComparison;
}

export const notificationsOutage = defineExperiment<OutageSide>({
  name: 'notifications-outage',
  title: 'The notifications service stopped for a minute under the write mix',
  description:
    `Stage 6 (load-test variant). ${writeMixShape.writers} writers registered through the API first (each follows ` +
    `${writeMixShape.followsEach} others and publishes ${articles(writeMixShape.articlesEach)}); then what the stage ` +
    `answers closed-model (10 s), and, once both consumer groups caught up, the write-heavy mix at ` +
    `${shareOfSaturation * 100}% of that, open model: 15 s not measured, 60 s with every service running, ` +
    '60 s with `notifications` stopped (`pnpm stack stop-service`), 60 s after it ' +
    'started again. The p95 of the writes (and of article publishes alone) in each phase: the writes only touch a ' +
    `shard and its outbox, so the goal is within ${p95Tolerance * 100}% while the service is away. Every second the ` +
    "bench reads the consumer groups' lag from the broker itself (end offsets minus committed offsets: the stopped " +
    'service cannot report its own), which gives the chart and the time the backlog took to drain. Afterwards every ' +
    "notification the writes owed must be in the service's database, none twice, and every event the outboxes hold " +
    'recorded by the consumer.',
  scale: 1,
  seeded: false,
  serverSeries: [consumerLag, outboxUnpublished, requestRate, requestP95, processCpu],
  columns: [threeShards],
  async run(context) {
    const { session, seconds, output, settings } = context;
    const brokers = kafkaBrokers(session.stage);
    const watch = watchKafka(brokers);
    try {
      const since = new Date(Date.now() - 1_000);
      const workload = await prepareWriteWorkload({
        baseUrl: session.baseUrl,
        runId: randomBytes(3).toString('hex'),
        ...writeMixShape,
        output,
      });
      const writes = plannedWrites(workload, mulberry32(5));
      output('What the stage answers, closed model, 32 connections for 10 s...');
      const saturation = await runClosedLoad({
        baseUrl: session.baseUrl,
        name: 'write-heavy saturation',
        source: writes.next,
        connections: 32,
        durationSeconds: seconds(10, 5),
        onOutcome: writes.settle,
        signal: settings.signal,
      });
      const writesPerSecond = Math.max(1, Math.round(saturation.requestsPerSecond * shareOfSaturation));
      // The saturation's backlog must be gone first, in both groups: the running phase is the steady state.
      await caughtUp(watch, notificationsGroup, drainTimeoutMs, output);
      await caughtUp(watch, workerGroup, drainTimeoutMs, output);

      const phases = {
        warmUpSeconds: seconds(15, 5),
        runningSeconds: seconds(60, 20),
        stoppedSeconds: seconds(60, 20),
        afterSeconds: seconds(60, 20),
      };
      const durationSeconds =
        phases.warmUpSeconds + phases.runningSeconds + phases.stoppedSeconds + phases.afterSeconds;
      const stopAtSeconds = phases.warmUpSeconds + phases.runningSeconds;
      output(
        `${writesPerSecond} writes/s (${shareOfSaturation * 100}% of ${Math.round(saturation.requestsPerSecond)}) for ` +
          `${durationSeconds} s (the first ${phases.warmUpSeconds} s not measured); notifications stopped from ` +
          `${stopAtSeconds} s for ${phases.stoppedSeconds} s...`,
      );
      const outcomes: RequestOutcome[] = [];
      const startedAt = performance.now();
      const now = () => performance.now() - startedAt;
      const sampling = sampleLag(watch, now);
      const moments = { stoppedAtMs: 0, startedAtMs: 0 };
      const outage = (async () => {
        await sleep(stopAtSeconds * 1000);
        moments.stoppedAtMs = Math.round(now());
        await stackStopService(session.stage, 'notifications', { output });
        await sleep(Math.max(0, (stopAtSeconds + phases.stoppedSeconds) * 1000 - now()));
        moments.startedAtMs = Math.round(now());
        await stackStartService(session.stage, 'notifications', { output });
      })();
      const [load] = await Promise.all([
        runOpenLoad({
          baseUrl: session.baseUrl,
          name: 'write-heavy',
          requests: writeTemplates,
          fixtures: context.fixtures,
          source: writes.next,
          requestsPerSecond: writesPerSecond,
          durationSeconds,
          onOutcome: (outcome) => {
            outcomes.push(outcome);
            writes.settle(outcome);
          },
          onProgress: loadProgress(`${session.label} notifications-outage`),
          signal: settings.signal,
        }),
        outage,
      ]);
      output('Writes done; waiting for the outboxes and the notifications group to drain...');
      const sources = await eventSources(session.stage);
      await caughtUp(watch, notificationsGroup, drainTimeoutMs, output);
      // One more round of samples, so the chart ends on the drained backlog.
      await sleep(1_500);
      const lag = await sampling.stop();
      const behindAtEnd = (await watch.lag(notificationsGroup).catch(() => undefined))?.total;
      const outbox = await outboxEvents(sources, since);
      const notificationsUrl = notificationsDatabaseUrl(session.stage);
      const notifications = auditNotifications(
        writes.expected(),
        await notificationCounts(notificationsUrl, `w${workload.runId}-`),
      );
      const events = compareEvents(
        outbox.ids,
        await processedEvents(notificationsUrl, notificationsGroup, since),
      );

      const warmUpMs = phases.warmUpSeconds * 1000;
      const phaseOf = (outcome: RequestOutcome) =>
        outcome.scheduledAtMs < warmUpMs
          ? 'warm-up'
          : outcome.scheduledAtMs < moments.stoppedAtMs
            ? 'running'
            : outcome.scheduledAtMs < moments.startedAtMs
              ? 'stopped'
              : 'after';
      const p95 = Object.fromEntries(
        (['running', 'stopped', 'after'] as const).map((phase) => {
          const answered = outcomes.filter(
            (outcome) => outcome.status !== undefined && phaseOf(outcome) === phase,
          );
          return [
            phase,
            {
              all: summarizeLatencies(answered.map((outcome) => outcome.latencyMs)).p95,
              publish: summarizeLatencies(
                answered
                  .filter((outcome) => outcome.name === 'publish article')
                  .map((outcome) => outcome.latencyMs),
              ).p95,
              writes: answered.length,
            },
          ];
        }),
      ) as OutageSide['p95'];
      const notificationLag = (sample: LagSample) => sample.lag[notificationsGroup];
      const runningLagLevel = Math.max(
        0,
        ...lag
          .filter((sample) => sample.atMs >= warmUpMs && sample.atMs < moments.stoppedAtMs)
          .map((sample) => notificationLag(sample) ?? 0),
      );
      const afterStart = lag.filter((sample) => sample.atMs >= moments.startedAtMs);
      const backAtLevel = afterStart.find(
        (sample) => (notificationLag(sample) ?? Infinity) <= runningLagLevel,
      );
      const atZero = afterStart.find((sample) => notificationLag(sample) === 0);
      return {
        windows: latencyWindows(outcomes, durationSeconds, windowSeconds, openLoadTimeoutMs),
        saturationWritesPerSecond: saturation.requestsPerSecond,
        writesPerSecond,
        phases,
        ...moments,
        load,
        p95,
        lag,
        runningLagLevel,
        behindAtEnd,
        peakLag: Math.max(0, ...lag.map((sample) => notificationLag(sample) ?? 0)),
        drainedToRunningLevelMs: backAtLevel ? backAtLevel.atMs - moments.startedAtMs : undefined,
        drainedToZeroMs: atZero ? atZero.atMs - moments.startedAtMs : undefined,
        notifications,
        events,
      };
    } finally {
      await watch.close();
    }
  },
  compare(results) {
    const side = results[0];
    const value = (pick: (side: OutageSide) => number | undefined) => results.map(pick);
    const rows = [
      { label: 'writes/s offered (open model)', values: value((s) => s.writesPerSecond), decimals: 0 },
      { label: 'p95 ms, every write, service running', values: value((s) => s.p95.running.all) },
      { label: 'p95 ms, every write, service stopped', values: value((s) => s.p95.stopped.all) },
      {
        label: 'stopped / running p95, % (goal ≤ 110)',
        values: value((s) => ratioPercent(s.p95.stopped.all, s.p95.running.all)),
      },
      { label: 'p95 ms, article publishes, running', values: value((s) => s.p95.running.publish) },
      { label: 'p95 ms, article publishes, stopped', values: value((s) => s.p95.stopped.publish) },
      { label: 'p95 ms, every write, after the restart', values: value((s) => s.p95.after.all) },
      {
        label: `p95 ms, slowest ${windowSeconds} s of the running phase`,
        values: value((s) => slowestWindow(s, s.phases.warmUpSeconds * 1000, s.stoppedAtMs)),
      },
      {
        label: `p95 ms, slowest ${windowSeconds} s of the stopped phase`,
        values: value((s) => slowestWindow(s, s.stoppedAtMs, s.startedAtMs)),
      },
      { label: 'failed writes', values: value((s) => failedRequests(s.load)), decimals: 0 },
      {
        label: 'consumer lag, highest while running (messages)',
        values: value((s) => s.runningLagLevel),
        decimals: 0,
      },
      { label: 'consumer lag, peak (messages)', values: value((s) => s.peakLag), decimals: 0 },
      {
        label: 'from restart to lag at its running level, s',
        values: value((s) => seconds(s.drainedToRunningLevelMs)),
      },
      {
        label: 'from restart to lag 0, s',
        values: value((s) => seconds(s.drainedToZeroMs)),
      },
      { label: 'messages still behind at the end', values: value((s) => s.behindAtEnd), decimals: 0 },
      { label: 'notifications owed', values: value((s) => s.notifications.expected), decimals: 0 },
      { label: 'notifications found', values: value((s) => s.notifications.found), decimals: 0 },
      { label: 'notifications lost', values: value((s) => s.notifications.missing), decimals: 0 },
      { label: 'notifications doubled', values: value((s) => s.notifications.duplicates), decimals: 0 },
      { label: 'events not recorded by the consumer', values: value((s) => s.events.lost), decimals: 0 },
    ];
    const groups = side ? [notificationsGroup, workerGroup] : [];
    return {
      rows,
      panel: {
        title: 'Write p95 with the notifications service running and stopped',
        unit: 'ms',
        series: ['running', 'stopped', 'after the restart'],
        groups: side
          ? [
              {
                label: 'every write',
                values: [side.p95.running.all, side.p95.stopped.all, side.p95.after.all],
              },
              {
                label: 'article publishes',
                values: [side.p95.running.publish, side.p95.stopped.publish, side.p95.after.publish],
              },
            ]
          : [],
      },
      lineCharts: side
        ? [
            {
              name: 'consumer-lag',
              title:
                `Consumer lag on ${'conduit.events'} (messages behind), read from the broker every second; ` +
                `notifications stopped from ${Math.round(side.stoppedAtMs / 1000)} s to ${Math.round(side.startedAtMs / 1000)} s`,
              unit: 'messages behind',
              series: groups.map((group) => ({
                name: group,
                points: side.lag.flatMap((sample) =>
                  sample.lag[group] === undefined
                    ? []
                    : [{ second: sample.atMs / 1000, value: sample.lag[group] as number }],
                ),
              })),
            },
            {
              name: 'write-p95',
              title:
                `p95 of the writes due in each ${windowSeconds} s (ms); notifications stopped from ` +
                `${Math.round(side.stoppedAtMs / 1000)} s to ${Math.round(side.startedAtMs / 1000)} s`,
              unit: 'ms',
              series: [
                {
                  name: 'every write',
                  points: side.windows.map((window) => ({ second: window.fromSecond, value: window.p95Ms })),
                },
              ],
            },
          ]
        : [],
      details: side
        ? [
            `Writes due per phase: ${side.p95.running.writes} running, ${side.p95.stopped.writes} stopped, ` +
              `${side.p95.after.writes} after. The stage answered ${Math.round(side.saturationWritesPerSecond)} ` +
              'writes/s closed-model just before.',
            '',
            `Notifications: ${side.notifications.expected} owed, ${side.notifications.found} found, ` +
              `${side.notifications.missing} missing, ${side.notifications.duplicates} doubled, ` +
              `${side.notifications.fromUnansweredWrites} from writes without an answer, ${side.notifications.unexpected} unexpected. ` +
              `Events: ${side.events.events} in the outboxes, ${side.events.processed} recorded by the consumer, ` +
              `${side.events.lost} lost, ${side.events.unknown} unknown.`,
            ...(side.notifications.missing > 0 ? [describeMissing(side.notifications)] : []),
          ].join('\n')
        : '',
    };
  },
});

/** The highest windowed p95 among the windows that start in [fromMs, toMs): one stall shows, however short. */
function slowestWindow(side: OutageSide, fromMs: number, toMs: number): number | undefined {
  const inPhase = side.windows.filter(
    (window) => window.fromSecond * 1000 >= fromMs && window.fromSecond * 1000 < toMs,
  );
  return inPhase.length > 0 ? Math.max(...inPhase.map((window) => window.p95Ms)) : undefined;
}

function ratioPercent(part: number, whole: number): number | undefined {
  return whole > 0 ? (part / whole) * 100 : undefined;
}

function seconds(ms: number | undefined): number | undefined {
  return ms === undefined ? undefined : ms / 1000;
}

/** Reads both groups' lag from the broker every second until stopped; a failed read leaves its sample empty. */
function sampleLag(watch: KafkaWatch, now: () => number) {
  const samples: LagSample[] = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const atMs = Math.round(now());
      const lag: Record<string, number> = {};
      for (const group of [notificationsGroup, workerGroup]) {
        const read = await watch.lag(group).catch(() => undefined);
        if (read) lag[group] = read.total;
      }
      samples.push({ atMs, lag });
      await sleep(Math.max(0, 1_000 - (now() - atMs)));
    }
  })();
  return {
    async stop(): Promise<LagSample[]> {
      stopped = true;
      await loop;
      return samples;
    },
  };
}
