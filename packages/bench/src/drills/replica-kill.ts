import { readHeavyKeyed } from '@scaling/loadtests/scenarios/read-heavy-keyed';
import { mulberry32 } from '@scaling/seed';
import { stackKill, stackWaitReady } from '@scaling/stack';
import { databaseNow } from '../database.ts';
import { marksBySecond, reportDrill } from '../drill-report.ts';
import { duplicateComments, storedCommentCopies } from '../duplicates.ts';
import type { Drill } from '../experiment.ts';
import { runWithFault, usualFaultTiming } from '../fault-run.ts';
import {
  inFlightDuring,
  isRead,
  type RetriedWrite,
  retryFailedWrites,
  sendBurst,
  summarizeRetries,
} from '../keyed-writes.ts';
import { countBy, describeCounts, renderMessageCounts } from '../load-summary.ts';
import { createMix } from '../mix.ts';
import type { RequestOutcome } from '../open-load.ts';
import {
  poolWaiting,
  postgresTransactionRate,
  requestRate,
  serverErrorRate,
  targetsUp,
} from '../server-series.ts';
import { classifyOutcome } from '../timeline.ts';
import { bucketByReplica, renderReplicaTimeline } from '../timeline-by-class.ts';
import {
  keyedLoad,
  keyedLoadRate,
  keyedLoadThroughNginx,
  newKeyPrefix,
  replicaNames,
  replicaStatuses,
} from './balancer-drill.ts';

/** Comments posted at once just before the kill, so that writes are surely in flight on the replica that dies. */
const burstSize = 60;
/** The SIGKILL goes out this long after the burst's first answer, while the rest are still being served. */
const killAfterFirstAnswerMs = 2;

const title = 'A replica is killed (SIGKILL) under load, with writes in flight';
const description =
  `${keyedLoadThroughNginx} to every replica. At the fault, ${burstSize} keyed comment POSTs go out at once and, while they are being ` +
  'served, one replica gets SIGKILL (a crash or an OOM kill: no drain). nginx sends reads that the dead replica held to ' +
  'another one, but never a POST that may have reached it: those fail, and the client sends each failed write again ' +
  'with the same key. The key must make that safe: no comment may exist twice.';

export const replicaKill: Drill = {
  name: 'replica-kill',
  title,
  description,
  scale: 1,
  serverSeries: [requestRate, serverErrorRate, targetsUp, poolWaiting, postgresTransactionRate],
  async run(context) {
    const { session, seconds, output, fixtures } = context;
    const replicas = replicaNames(session.stage);
    const victim = replicas[1] as string;
    const { durationSeconds, faultAtSeconds } = usualFaultTiming(seconds);
    const since = await databaseNow(session.databaseUrl);
    const before = await replicaStatuses(session.stage, [victim]);
    const comment = readHeavyKeyed.requests.filter((request) => request.name === 'comment');
    const burstMix = createMix(comment, fixtures, mulberry32(7), { idempotencyKeyPrefix: newKeyPrefix() });
    let burst: RequestOutcome[] = [];
    output(
      `${keyedLoadRate} req/s for ${durationSeconds} s; at ${faultAtSeconds} s ${burstSize} comments go out and ${victim} gets SIGKILL...`,
    );
    const run = await runWithFault({
      ...keyedLoad(context, 'replica-kill'),
      durationSeconds,
      faultAtSeconds,
      async inject(mark, now) {
        let firstAnswer = () => {};
        const answered = new Promise<void>((resolve) => {
          firstAnswer = resolve;
        });
        mark(`${burstSize} comments sent`);
        const sending = sendBurst(
          session.baseUrl,
          Array.from({ length: burstSize }, () => burstMix.next()),
          now,
          () => firstAnswer(),
        );
        await answered;
        await new Promise((resolve) => setTimeout(resolve, killAfterFirstAnswerMs));
        mark('SIGKILL begins');
        await stackKill(session.stage, victim, { signal: 'SIGKILL', output });
        mark(`SIGKILL ${victim}`);
        burst = await sending;
        mark('burst answered');
        await stackWaitReady(session.stage, victim);
        mark(`${victim} ready again`);
      },
    });
    const after = await replicaStatuses(session.stage, [victim]);
    const outcomes = [...run.outcomes, ...burst];
    const failed = outcomes.filter((outcome) => classifyOutcome(outcome) === 'failed');
    const failedReads = failed.filter(isRead);
    const failedWrites = failed.filter((outcome) => !isRead(outcome));
    const killFrom = run.marks['SIGKILL begins'] ?? 0;
    const killTo = run.marks[`SIGKILL ${victim}`] ?? killFrom;
    const writesInFlight = inFlightDuring(outcomes, killFrom, killTo).filter((outcome) => !isRead(outcome));

    const failedRequests = failedWrites.map((outcome) => outcome.request);
    // Before the retries: which failed comments had in fact been written by the replica that died.
    const committedBeforeRetry = await storedCommentCopies(session.databaseUrl, failedRequests, since);
    output(`Sending the ${failedWrites.length} failed writes again with their keys...`);
    const retried: RetriedWrite[] = await retryFailedWrites(session.baseUrl, failedRequests);
    const duplicates = await duplicateComments(session.databaseUrl, since);
    const failedCommentCopies = await storedCommentCopies(session.databaseUrl, failedRequests, since);
    const committedBeforeFailing = committedBeforeRetry.filter((copies) => copies > 0).length;
    const readyAt = run.marks[`${victim} ready again`] ?? Number.POSITIVE_INFINITY;
    const servedAgain = run.outcomes.some(
      (outcome) => outcome.servedBy === victim && outcome.scheduledAtMs > readyAt,
    );
    const victimBefore = before[victim];
    const victimAfter = after[victim];

    return reportDrill(context, {
      title,
      description,
      run,
      facts: {
        [`${victim} pid before → after (restarts)`]: `${victimBefore?.pid} → ${victimAfter?.pid} (${victimBefore?.restarts} → ${victimAfter?.restarts})`,
        'burst of keyed comment POSTs: answered / failed': `${burst.length - burst.filter((outcome) => classifyOutcome(outcome) === 'failed').length} / ${burst.filter((outcome) => classifyOutcome(outcome) === 'failed').length}`,
        'writes in flight while the SIGKILL was sent': writesInFlight.length,
        'failed reads (GET), load and burst': failedReads.length,
        'failed writes, load and burst': failedWrites.length,
        'failed writes by answer': describeCounts(countAnswers(failedWrites)),
        'retries with the same key, final answers': describeCounts(summarizeRetries(retried)),
        'failed comment POSTs already written before the retry (a retry without a key would duplicate them)': `${committedBeforeFailing} of ${committedBeforeRetry.length}`,
        'failed comment POSTs written after the retry': `${failedCommentCopies.filter((copies) => copies > 0).length} of ${failedCommentCopies.length}`,
        'comments made during the drill / made twice': `${duplicates.comments} / ${duplicates.duplicated}`,
      },
      checks: [
        {
          name: 'No read failed',
          passed: failedReads.length === 0,
          detail: `${failedReads.length} failed GETs of ${outcomes.filter(isRead).length}.`,
        },
        {
          name: 'The kill caught writes in flight (else the drill shows nothing about them)',
          passed: writesInFlight.length > 0,
          detail: `${writesInFlight.length} writes were in flight while the SIGKILL was sent (${killFrom} → ${killTo} ms).`,
        },
        {
          name: 'No more writes failed than were in flight at the kill',
          passed: failedWrites.length <= writesInFlight.length,
          detail: `${failedWrites.length} failed writes; ${writesInFlight.length} were in flight.`,
        },
        {
          name: 'Every failed write was sent again with its key, and no comment exists twice',
          passed:
            retried.length === failedWrites.length &&
            duplicates.duplicated === 0 &&
            failedCommentCopies.every((copies) => copies <= 1),
          detail:
            `${retried.length} retried; ${duplicates.comments} comments made since the drill began, ` +
            `${duplicates.duplicated} of them more than once (${duplicates.extraRows} extra rows); after the retries the ` +
            `failed comment POSTs have ${failedCommentCopies.join(', ') || 'no'} rows each.`,
        },
        {
          name: `The supervisor restarted ${victim}, which serves again`,
          passed:
            victimAfter?.pid != null &&
            victimAfter.pid !== victimBefore?.pid &&
            victimAfter.restarts > (victimBefore?.restarts ?? 0) &&
            servedAgain,
          detail: `pid ${victimBefore?.pid} → ${victimAfter?.pid}, restarts ${victimBefore?.restarts} → ${victimAfter?.restarts}; answered requests after it was ready again: ${servedAgain ? 'yes' : 'no'}.`,
        },
      ],
      sections: [
        {
          title: 'Failed requests (load and burst)',
          body: renderMessageCounts(
            countAnswers(failed, (outcome) => `${outcome.request.method} ${outcome.name}: `),
          ),
        },
        {
          title: 'Requests per replica per second',
          body: `Requests of the steady load by the second they were due, by the replica that answered (X-Served-By); the burst is not included.\n\n${renderReplicaTimeline(bucketByReplica(run.outcomes, run.load.durationSeconds), marksBySecond(run.marks))}`,
        },
      ],
    });
  },
};

function countAnswers(
  outcomes: RequestOutcome[],
  prefix: (outcome: RequestOutcome) => string = () => '',
): Record<string, number> {
  return countBy(
    outcomes,
    (outcome) => `${prefix(outcome)}${outcome.status ?? outcome.error ?? 'no answer'}`,
  );
}
