import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { mulberry32 } from '@scaling/seed';
import { type DrillCheck, reportDrill } from '../drill-report.ts';
import {
  auditNotifications,
  compareEvents,
  describeMissing,
  eventSources,
  notificationCounts,
  notificationsDatabaseUrl,
  notificationsGroup,
  outboxEvents,
  processedEvents,
} from '../event-audit.ts';
import type { Drill, DrillContext, DrillReport } from '../experiment.ts';
import { threeShards } from '../experiments/sharding-columns.ts';
import { writeMixShape } from '../experiments/write-throughput.ts';
import { type FaultRun, runWithFault } from '../fault-run.ts';
import { kafkaBrokers, waitForNoLag, watchKafka } from '../kafka-watch.ts';
import { failedRequests } from '../load-summary.ts';
import { consumerLag, outboxUnpublished, processCpu, relayPublishRate } from '../server-series.ts';
import { plannedWrites, prepareWriteWorkload, writeTemplates } from '../write-workload.ts';

/** How long the events may take to reach the consumer once the writes stop. */
const drainTimeoutMs = 180_000;

export interface EventFaultTools {
  /** Records a named moment on the load's clock. */
  mark(label: string): number;
  /** Waits until this share (0..1) of the run's writes were due. */
  at(share: number): Promise<void>;
  output(line: string): void;
}

export interface EventDrillOptions {
  title: string;
  description: string;
  /** Events the drill makes in all, the set-up's included (`[full, quick]`). */
  events: [number, number];
  writesPerSecond: number;
  /** The fault, injected while the writes go on; what it returns joins the report's facts. */
  inject(tools: EventFaultTools): Promise<Record<string, unknown>>;
  /** Checks of the fault itself (e.g. the process was restarted each time), from what `inject` returned. */
  faultChecks(facts: Record<string, unknown>): DrillCheck[];
}

/**
 * Stage 6's event drills share one course: writers registered through the API, then the write-heavy mix at a fixed
 * rate (open model) until the run has made its events, the fault injected meanwhile; then the bench waits until every
 * outbox row is published and the notifications group has caught up, and compares the events the outboxes hold
 * with the events the notifications consumer recorded (processed_events), and the notifications the writes owed with
 * those the service holds (each counted, so a double shows).
 */
export async function runEventDrill(context: DrillContext, options: EventDrillOptions): Promise<DrillReport> {
  const { session, seconds, output } = context;
  const brokers = kafkaBrokers(session.stage);
  const watch = watchKafka(brokers);
  try {
    // Outbox and processed_events rows are stamped by the servers' clocks, on this same machine.
    const since = new Date(Date.now() - 1_000);
    const workload = await prepareWriteWorkload({
      baseUrl: session.baseUrl,
      runId: randomBytes(3).toString('hex'),
      ...writeMixShape,
      output,
    });
    const events = seconds(options.events[0], options.events[1]);
    const writesWanted = Math.max(0, events - workload.writes);
    const durationSeconds = Math.ceil(writesWanted / options.writesPerSecond);
    const writes = plannedWrites(workload, mulberry32(11));
    output(
      `${writesWanted.toLocaleString('en-US')} writes at ${options.writesPerSecond}/s (${durationSeconds} s) after ` +
        `the set-up's ${workload.writes}, for ${events.toLocaleString('en-US')} events in all...`,
    );
    let facts: Record<string, unknown> = {};
    const run: FaultRun = await runWithFault({
      label: `${session.label} ${options.title}`,
      baseUrl: session.baseUrl,
      requests: writeTemplates,
      fixtures: context.fixtures,
      source: writes.next,
      requestsPerSecond: options.writesPerSecond,
      durationSeconds,
      faultAtSeconds: 0,
      // A write held up this long by a busy machine has not failed; one that gets no answer at all has.
      timeoutMs: 10_000,
      signal: context.settings.signal,
      async inject(mark, now) {
        facts = await options.inject({
          mark,
          at: async (share) => {
            await sleep(Math.max(0, share * durationSeconds * 1000 - now()));
          },
          output,
        });
      },
    });
    for (const outcome of run.outcomes) writes.settle(outcome);

    output('Waiting for the outboxes to be published and the notifications group to catch up...');
    const drainStarted = Date.now();
    const sources = await eventSources(session.stage);
    // A backlog that never drains is the drill's finding, reported with the rest, not an error that hides it.
    const undelivered = await waitForOutboxes(sources, since, drainTimeoutMs, output)
      .then(() => waitForNoLag(watch, notificationsGroup, drainTimeoutMs, output))
      .then(
        () => undefined,
        (error: Error) => error.message,
      );
    if (undelivered) output(undelivered);
    const drainMs = Date.now() - drainStarted;

    const outbox = await outboxEvents(sources, since);
    const notificationsUrl = notificationsDatabaseUrl(session.stage);
    const processed = await processedEvents(notificationsUrl, notificationsGroup, since);
    const eventSets = compareEvents(outbox.ids, processed);
    const notifications = auditNotifications(
      writes.expected(),
      await notificationCounts(notificationsUrl, `w${workload.runId}-`),
    );
    const failed = failedRequests(run.load);
    const counts = writes.counts();
    return reportDrill(context, {
      title: options.title,
      description: options.description,
      run,
      facts: {
        'events in the outboxes (global and shards)': outbox.ids.size.toLocaleString('en-US'),
        'events per outbox': JSON.stringify(outbox.bySource),
        'events the notifications consumer recorded': processed.size.toLocaleString('en-US'),
        'events lost / unknown to the outboxes': `${eventSets.lost} / ${eventSets.unknown}`,
        'notifications owed / found': `${notifications.expected} / ${notifications.found}`,
        'notifications missing / doubled': `${notifications.missing} / ${notifications.duplicates}`,
        'notifications of writes without an answer': notifications.fromUnansweredWrites,
        'writes succeeded / failed / unanswered': `${counts.succeeded} / ${counts.failed} / ${counts.unanswered}`,
        'from the last write to everything delivered, ms': undelivered ? `not within ${drainMs}` : drainMs,
        ...facts,
      },
      checks: [
        {
          name: `The run made at least ${events.toLocaleString('en-US')} events`,
          passed: outbox.ids.size >= events,
          detail: `${outbox.ids.size.toLocaleString('en-US')} events in the outboxes.`,
        },
        {
          name: `Every event was published and consumed within ${drainTimeoutMs / 1000} s of the last write`,
          passed: undelivered === undefined,
          detail: undelivered ?? `in ${drainMs} ms.`,
        },
        {
          name: 'The set of effects equals the set of events: the consumer recorded every event, and only those',
          passed: eventSets.lost === 0 && eventSets.unknown === 0 && eventSets.events > 0,
          detail: `${eventSets.events} events, ${eventSets.processed} recorded, ${eventSets.lost} lost, ${eventSets.unknown} unknown.`,
        },
        {
          name: 'Every notification the writes owed is there, none twice',
          passed:
            notifications.missing === 0 && notifications.duplicates === 0 && notifications.unexpected === 0,
          detail: [
            `${notifications.expected} owed, ${notifications.found} found: ${notifications.missing} missing, ` +
              `${notifications.duplicates} doubled, ${notifications.unexpected} unexpected.`,
            describeMissing(notifications),
          ]
            .filter(Boolean)
            .join(' '),
        },
        {
          name: 'No write failed',
          passed: failed === 0 && counts.failed === 0,
          detail: `${failed} without an answer or 5xx, ${counts.failed} other non-2xx, of ${run.load.requests + run.load.errors}.`,
        },
        ...options.faultChecks(facts),
      ],
    });
  } finally {
    await watch.close();
  }
}

/** Polls the outboxes until none holds an unpublished row of the run. */
async function waitForOutboxes(
  sources: Awaited<ReturnType<typeof eventSources>>,
  since: Date,
  timeoutMs: number,
  output: (line: string) => void,
): Promise<void> {
  const started = Date.now();
  let lastReport = 0;
  for (;;) {
    const { unpublished } = await outboxEvents(sources, since);
    if (unpublished === 0) return;
    if (Date.now() - started > timeoutMs) {
      throw new Error(
        `${unpublished} outbox rows were still unpublished after ${Math.round(timeoutMs / 1000)} s: check that the ` +
          'relay and Kafka run ("pnpm stack ps 6") and read the relay\'s log ("pnpm stack logs 6 relay").',
      );
    }
    if (Date.now() - lastReport > 10_000) {
      lastReport = Date.now();
      output(`${unpublished} outbox rows still unpublished...`);
    }
    await sleep(1_000);
  }
}

/**
 * One of stage 6's event drills: the three-shard boot, the event series on record, and runEventDrill with the fault
 * `inject(stage)` makes for the booted stage.
 */
export function eventDrill(
  name: string,
  options: Omit<EventDrillOptions, 'inject'> & { inject(stage: number): EventDrillOptions['inject'] },
): Drill {
  return {
    name,
    title: options.title,
    description: options.description,
    scale: 1,
    seeded: false,
    boot: threeShards.boot ?? {},
    serverSeries: [consumerLag, outboxUnpublished, relayPublishRate, processCpu],
    run: (context) => runEventDrill(context, { ...options, inject: options.inject(context.session.stage) }),
  };
}
