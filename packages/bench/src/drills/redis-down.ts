import { setTimeout as sleep } from 'node:timers/promises';
import { stackStartService, stackStopService } from '@scaling/stack';
import { marksBySecond, reportDrill } from '../drill-report.ts';
import type { Drill } from '../experiment.ts';
import { runWithFault, usualFaultTiming } from '../fault-run.ts';
import {
  redisCommandErrorRate,
  redisCommandP95,
  redisCommandRate,
  redisMemory,
  requestP95,
  serverErrorRate,
} from '../server-series.ts';
import { rejectedTokens } from '../sessions.ts';
import {
  bucketByClass,
  type ClassCounts,
  countByClass,
  describeClasses,
  isAuthenticated,
  renderClassTimeline,
  sumClasses,
} from '../timeline-by-class.ts';
import { keyedLoad, keyedLoadRate, keyedLoadThroughNginx } from './balancer-drill.ts';

/** Each replica's Redis client retries at most a second apart, and a request may have been due just before. */
const recoveryMs = 3_000;

const title = 'Redis stops under load';
const description =
  `${keyedLoadThroughNginx}. ` +
  'Redis, which holds the sessions and the idempotency keys, is stopped for a while and started again. ' +
  'Requests that carry a token cannot be checked meanwhile: they must get a clear 503 ("store unavailable, retry"), ' +
  'never a 500 (a bug) or a 401 (a silent logout). Anonymous reads never ask Redis and must keep working. When Redis ' +
  'is back, everything must recover by itself, with the sessions intact (Redis keeps an append-only file).';

export const redisDown: Drill = {
  name: 'redis-down',
  title,
  description,
  scale: 1,
  serverSeries: [
    redisCommandRate,
    redisCommandErrorRate,
    redisCommandP95,
    serverErrorRate,
    requestP95,
    redisMemory,
  ],
  async run(context) {
    const { session, seconds, output, fixtures } = context;
    const { durationSeconds, faultAtSeconds } = usualFaultTiming(seconds);
    const downSeconds = seconds(10, 5);
    output(
      `${keyedLoadRate} req/s for ${durationSeconds} s; Redis stops at ${faultAtSeconds} s for ${downSeconds} s...`,
    );
    const run = await runWithFault({
      ...keyedLoad(context, 'redis-down'),
      durationSeconds,
      faultAtSeconds,
      async inject(mark) {
        mark('redis stop begins');
        await stackStopService(session.stage, 'redis', { output });
        mark('redis stopped');
        await sleep(downSeconds * 1000);
        mark('redis start begins');
        await stackStartService(session.stage, 'redis', { output });
        mark('redis ready');
      },
    });
    const stoppedAt = run.marks['redis stopped'] ?? 0;
    const startAt = run.marks['redis start begins'] ?? 0;
    const readyAt = run.marks['redis ready'] ?? 0;
    const all = countByClass(run.outcomes);
    const whileDown = countByClass(
      run.outcomes.filter((outcome) => outcome.scheduledAtMs >= stoppedAt && outcome.scheduledAtMs < startAt),
    );
    const afterRecovery = countByClass(
      run.outcomes.filter((outcome) => outcome.scheduledAtMs >= readyAt + recoveryMs),
    );
    const authenticatedAfterReady = run.outcomes.filter(
      (outcome) =>
        isAuthenticated(outcome) && outcome.scheduledAtMs >= readyAt && outcome.status !== undefined,
    );
    const last503 = Math.max(
      readyAt,
      ...authenticatedAfterReady
        .filter((outcome) => outcome.status === 503)
        .map((outcome) => outcome.scheduledAtMs),
    );
    const sessions = await rejectedTokens(session.baseUrl, fixtures.tokens);
    const notOk = (counts: ClassCounts) => sumClasses(counts) - counts.ok;

    return reportDrill(context, {
      title,
      description,
      run,
      facts: {
        'Redis away (stop begins → ready again)': `${readyAt - (run.marks['redis stop begins'] ?? 0)} ms`,
        'with a token while Redis was down': describeClasses(whileDown.authenticated),
        'anonymous while Redis was down': describeClasses(whileDown.anonymous),
        'with a token, whole run': describeClasses(all.authenticated),
        'anonymous, whole run': describeClasses(all.anonymous),
        'last 503 to a request with a token after Redis was ready': `${last503 - readyAt} ms after`,
        'logged-in users whose token was refused afterwards': `${sessions.rejected} of ${sessions.checked}`,
      },
      checks: [
        {
          name: 'While Redis was down, every request with a token got 503',
          passed:
            sumClasses(whileDown.authenticated) > 0 &&
            whileDown.authenticated['503'] === sumClasses(whileDown.authenticated),
          detail: `${describeClasses(whileDown.authenticated)} (due between ${(stoppedAt / 1000).toFixed(1)} s and ${(startAt / 1000).toFixed(1)} s).`,
        },
        {
          name: 'No 500, no 401, no request without an answer, the whole run',
          passed:
            all.authenticated['other 5xx'] + all.anonymous['other 5xx'] === 0 &&
            all.authenticated['401'] + all.anonymous['401'] === 0 &&
            all.authenticated['no answer'] + all.anonymous['no answer'] === 0,
          detail: `With a token: ${describeClasses(all.authenticated)}. Anonymous: ${describeClasses(all.anonymous)}.`,
        },
        {
          name: 'Anonymous requests kept working',
          passed: notOk(all.anonymous) === 0,
          detail: `${notOk(all.anonymous)} of ${sumClasses(all.anonymous)} anonymous requests were not answered with success.`,
        },
        {
          name: `Everything recovered within ${recoveryMs / 1000} s of Redis being ready`,
          passed: notOk(afterRecovery.authenticated) + notOk(afterRecovery.anonymous) === 0,
          detail: `From ${((readyAt + recoveryMs) / 1000).toFixed(1)} s on: with a token ${describeClasses(afterRecovery.authenticated)}; anonymous ${describeClasses(afterRecovery.anonymous)}.`,
        },
        {
          name: 'The sessions survived (no one was logged out)',
          passed: sessions.rejected === 0,
          detail: `${sessions.rejected} of ${sessions.checked} logged-in users' tokens were refused after the drill.`,
        },
      ],
      sections: [
        {
          title: 'Status classes per second',
          body: `Requests by the second they were due, without and with a token, by what they got back.\n\n${renderClassTimeline(bucketByClass(run.outcomes, run.load.durationSeconds), marksBySecond(run.marks))}`,
        },
      ],
    });
  },
};
