import { setTimeout as sleep } from 'node:timers/promises';
import { readHeavyRequests } from '@scaling/loadtests/scenarios/read-heavy';
import type { RequestTemplate } from '@scaling/loadtests/scenarios/types';
import { stackStartService, stackStopService } from '@scaling/stack';
import { marksBySecond, reportDrill } from '../drill-report.ts';
import type { Drill, DrillContext } from '../experiment.ts';
import { type FaultRun, runWithFault, usualFaultTiming } from '../fault-run.ts';
import { summarizeLatencies } from '../percentiles.ts';
import { redisCommandErrorRate, redisCommandRate, requestP95, serverErrorRate } from '../server-series.ts';
import { rejectedTokens } from '../sessions.ts';
import { hasService } from '../stage-services.ts';
import {
  bucketByClass,
  type ClassBucket,
  type ClassCounts,
  countByClass,
  describeClasses,
  renderClassTimeline,
  sumClasses,
} from '../timeline-by-class.ts';
import { type RefreshAttempt, refreshWhile, signInForRefresh } from './refresh-chain.ts';

/** The Redis that held stage 4's sessions; in stage 5 it keeps login throttling, idempotency keys, write positions. */
const sessionRedis = 'redis';
const requestsPerSecond = 100;

/** The browsing mix's reads, each sent by a signed-in user: every request carries a token the API must check. */
export const signedInReads: RequestTemplate[] = readHeavyRequests
  .filter((template) => !template.write)
  .map((template) => ({ ...template, auth: 'required' }));

const title = 'The session Redis stops under signed-in load';
const description =
  `Steady open-model load (the read-heavy mix's reads, every one with a token, ${requestsPerSecond} req/s) through ` +
  `the edge; the Redis that held stage 4's sessions is stopped for a while and started again. Stage 4 runs it first: ` +
  'a token there is a key into that Redis, so signed-in requests cannot be checked and get 503. Stage 5 then: its ' +
  'access tokens are checked by their signature, so every signed-in read must succeed (0 failures) while that Redis ' +
  'is down; and refresh, which reads and writes Postgres only, must keep working: a signed-in user rotates a refresh ' +
  'token every half second during the outage and reads with each new access token.';

/** One outage of the session Redis under the signed-in load, and what it got; `duringOutage` runs while it is down. */
async function sessionStoreOutage(
  context: DrillContext,
  duringOutage: (stillDown: AbortSignal, now: () => number) => Promise<void> = async () => {},
): Promise<OutageRun> {
  const { session, seconds, output, fixtures, settings } = context;
  if (!hasService(session.stage, sessionRedis)) {
    throw new Error(
      `Stage ${session.stage} has no "${sessionRedis}" service to stop: this drill needs stage 4 or 5.`,
    );
  }
  const { durationSeconds, faultAtSeconds } = usualFaultTiming(seconds);
  const downSeconds = seconds(10, 5);
  output(
    `${requestsPerSecond} req/s for ${durationSeconds} s; the session Redis stops at ${faultAtSeconds} s for ${downSeconds} s...`,
  );
  const run = await runWithFault({
    label: `${session.label} session-store-down`,
    baseUrl: session.baseUrl,
    requests: signedInReads,
    fixtures,
    requestsPerSecond,
    durationSeconds,
    faultAtSeconds,
    signal: settings.signal,
    async inject(mark, now) {
      mark('redis stop begins');
      await stackStopService(session.stage, sessionRedis, { output });
      mark('redis stopped');
      const down = new AbortController();
      const during = duringOutage(down.signal, now);
      await sleep(downSeconds * 1000);
      down.abort();
      await during;
      mark('redis start begins');
      await stackStartService(session.stage, sessionRedis, { output });
      mark('redis ready');
    },
  });
  const stoppedAt = run.marks['redis stopped'] ?? 0;
  const startAt = run.marks['redis start begins'] ?? 0;
  const whileDown = run.outcomes.filter(
    (outcome) => outcome.scheduledAtMs >= stoppedAt && outcome.scheduledAtMs < startAt,
  );
  return {
    run,
    whileDown: countByClass(whileDown),
    whole: countByClass(run.outcomes),
    timeline: bucketByClass(run.outcomes, run.load.durationSeconds),
    p95WhileDownMs: summarizeLatencies(
      whileDown.filter((outcome) => outcome.status !== undefined).map((outcome) => outcome.latencyMs),
    ).p95,
  };
}

interface OutageRun {
  run: FaultRun;
  whileDown: { anonymous: ClassCounts; authenticated: ClassCounts };
  whole: { anonymous: ClassCounts; authenticated: ClassCounts };
  timeline: ClassBucket[];
  p95WhileDownMs: number;
}

/** What the baseline (stage 4) keeps of its run: the counts and timeline, not every request. */
interface BaselineOutage extends Omit<OutageRun, 'run'> {
  label: string;
  marks: Record<string, number>;
}

export const sessionStoreDown: Drill = {
  name: 'session-store-down',
  title,
  description,
  scale: 1,
  serverSeries: [redisCommandRate, redisCommandErrorRate, serverErrorRate, requestP95],
  baseline: {
    column: { label: 'stage 4', stage: 4 },
    async run(context): Promise<BaselineOutage> {
      const { run: faultRun, ...counts } = await sessionStoreOutage(context);
      return { label: context.session.label, marks: faultRun.marks, ...counts };
    },
  },
  async run(context) {
    const { session, fixtures, output } = context;
    const baseline = context.baseline as BaselineOutage | undefined;
    const chain = await signInForRefresh(session.baseUrl, fixtures);
    const attempts: RefreshAttempt[] = [];
    const outage = await sessionStoreOutage(context, async (stillDown, now) => {
      attempts.push(...(await refreshWhile(session.baseUrl, chain, stillDown, 500, now)));
    });
    output(`${attempts.length} refreshes while the session Redis was down.`);
    const { run, whileDown, whole } = outage;
    const tokens = await rejectedTokens(session.baseUrl, fixtures.tokens);
    const refreshed = attempts.filter((attempt) => attempt.refreshStatus === 200);
    const readWithNewToken = attempts.filter((attempt) => attempt.readStatus === 200);
    const failedWhole =
      sumClasses(whole.authenticated) - whole.authenticated.ok - whole.authenticated['other 4xx'];
    const baselineDown = baseline?.whileDown.authenticated;
    const report = reportDrill(context, {
      title,
      description,
      run,
      facts: {
        'session Redis away (stop begins → ready again)': `${(run.marks['redis ready'] ?? 0) - (run.marks['redis stop begins'] ?? 0)} ms`,
        'stage 4, signed-in requests while its session Redis was down': baselineDown
          ? describeClasses(baselineDown)
          : 'not run',
        'stage 5, signed-in requests while the session Redis was down': describeClasses(
          whileDown.authenticated,
        ),
        'stage 5, signed-in requests, whole run': describeClasses(whole.authenticated),
        'p95 ms while down: stage 4 / stage 5': `${baseline ? baseline.p95WhileDownMs.toFixed(1) : 'n/a'} / ${outage.p95WhileDownMs.toFixed(1)}`,
        'refreshes while down: answered 200 / tried': `${refreshed.length} / ${attempts.length}`,
        'refresh p95 ms while down': summarizeLatencies(
          refreshed.map((attempt) => attempt.refreshMs),
        ).p95.toFixed(1),
        'reads with each new access token: 200 / tried': `${readWithNewToken.length} / ${attempts.length}`,
        'logged-in users whose token was refused afterwards': `${tokens.rejected} of ${tokens.checked}`,
      },
      checks: [
        {
          name: 'Stage 4: while its session Redis was down, signed-in requests got 503 (the failure stage 5 removes)',
          passed:
            baselineDown !== undefined &&
            baselineDown['503'] > 0 &&
            baselineDown['503'] === sumClasses(baselineDown) - baselineDown.ok,
          detail: baselineDown ? describeClasses(baselineDown) : 'The stage 4 run did not take place.',
        },
        {
          name: 'Stage 5: while the session Redis was down, every signed-in read succeeded',
          passed:
            sumClasses(whileDown.authenticated) > 0 &&
            whileDown.authenticated.ok === sumClasses(whileDown.authenticated),
          detail: describeClasses(whileDown.authenticated),
        },
        {
          name: 'Stage 5: no signed-in request failed or was refused (no answer, 5xx or 401), the whole run',
          passed: failedWhole === 0,
          detail: describeClasses(whole.authenticated),
        },
        {
          name: 'Stage 5: refresh kept working while the session Redis was down, and each new access token was accepted',
          passed:
            attempts.length > 0 &&
            refreshed.length === attempts.length &&
            readWithNewToken.length === attempts.length,
          detail: `${refreshed.length} of ${attempts.length} refreshes answered 200 (${describeStatuses(attempts.map((attempt) => attempt.refreshStatus))}); ${readWithNewToken.length} reads with the new token answered 200.`,
        },
        {
          name: 'Stage 5: the logged-in users were not logged out',
          passed: tokens.rejected === 0,
          detail: `${tokens.rejected} of ${tokens.checked} tokens refused after the drill.`,
        },
      ],
      sections: [
        {
          title: 'Stage 5: status classes per second',
          body: renderClassTimeline(outage.timeline, marksBySecond(run.marks)),
        },
        ...(baseline
          ? [
              {
                title: `${baseline.label}: status classes per second (the same drill, run first)`,
                body: renderClassTimeline(baseline.timeline, marksBySecond(baseline.marks)),
              },
            ]
          : []),
        {
          title: 'Stage 5: refreshes while the session Redis was down',
          body: renderAttempts(attempts),
        },
      ],
    });
    return { ...report, raw: { ...report.raw, baseline, refreshes: attempts } };
  },
};

function describeStatuses(statuses: (number | undefined)[]): string {
  const counts = new Map<string, number>();
  for (const status of statuses)
    counts.set(String(status ?? 'no answer'), (counts.get(String(status ?? 'no answer')) ?? 0) + 1);
  return [...counts].map(([status, count]) => `${count} × ${status}`).join(', ') || 'none';
}

function renderAttempts(attempts: RefreshAttempt[]): string {
  if (attempts.length === 0) return 'None were sent.';
  return [
    '| at ms | refresh | ms | read with the new token |',
    '|--:|--:|--:|--:|',
    ...attempts.map(
      (attempt) =>
        `| ${attempt.atMs} | ${attempt.refreshStatus ?? 'no answer'} | ${attempt.refreshMs.toFixed(1)} | ${attempt.readStatus ?? 'not sent'} |`,
    ),
  ].join('\n');
}
