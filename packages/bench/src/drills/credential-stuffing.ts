import { readHeavyRequests } from '@scaling/loadtests/scenarios/read-heavy';
import type { RequestTemplate } from '@scaling/loadtests/scenarios/types';
import { stackStatus } from '@scaling/stack';
import { type CpuSnapshot, cpuUsageBetween, stageCpuGroups, takeSnapshot } from '../cpu-usage.ts';
import { reportDrill } from '../drill-report.ts';
import type { Drill } from '../experiment.ts';
import { runWithFault } from '../fault-run.ts';
import { isRead } from '../keyed-writes.ts';
import { countBy, describeCounts } from '../load-summary.ts';
import { type RequestOutcome, runOpenLoad } from '../open-load.ts';
import { summarizeLatencies } from '../percentiles.ts';
import {
  eventLoopDelayP99,
  processCpu,
  redisCommandRate,
  requestP95,
  requestRate,
} from '../server-series.ts';
import { readHeavyLoad } from '../steady-load.ts';
import { markdownTable } from '../table.ts';
import { classifyOutcome } from '../timeline.ts';
import { groupBySecond } from '../timeline-by-class.ts';

/** The attack: wrong-password logins at this rate, spread over this many accounts, all from one address. */
const attackRate = 200;
const targetAccounts = 5;
/** The legitimate browsing that runs all along: reads only, so its latency is what a reader sees. */
const readRate = 100;
/**
 * The limits let a burst through at once (30 attempts per address, all due within the attack's first 0.15 s); their
 * scrypts share the app host's CPU with the reads for about a second. After that only the steady rate gets through.
 */
const burstSeconds = 2;

const attempt: RequestTemplate = {
  name: 'guess',
  weight: 1,
  method: 'POST',
  path: '/api/users/login',
  auth: 'none',
  body: { user: { email: '{email}', password: '{password}' } },
};

const title = 'Credential stuffing: wrong-password logins at 200 a second';
const description =
  `Steady open-model reads (the read-heavy mix without its writes, ${readRate} req/s) through nginx. Meanwhile, from ` +
  `one address, ${attackRate} logins a second with wrong passwords against ${targetAccounts} seeded accounts. Each ` +
  'guess that reaches the app costs a scrypt (about 16 MiB of memory-hard work); the throttle (per address and per ' +
  'account, counted in Redis before scrypt runs) and nginx limit_req on /api/users must refuse the rest with 429, so ' +
  'the attack can spend no more CPU than the limits allow and readers do not notice it. A guess reached scrypt ' +
  'exactly when it was answered 401: the login handler answers 401 only after the password check (an unknown ' +
  'e-mail is checked against a dummy hash), and a throttled attempt is answered 429 before the handler runs.';

/** Which layer answered: the app names its replica in X-Served-By on every response; nginx's own answers do not. */
const layerOf = (outcome: RequestOutcome) =>
  outcome.status === undefined
    ? `no answer (${outcome.error})`
    : `${outcome.status} from ${outcome.servedBy ? 'the app' : 'nginx'}`;

export const credentialStuffing: Drill = {
  name: 'credential-stuffing',
  title,
  description,
  scale: 1,
  serverSeries: [requestRate, requestP95, processCpu, eventLoopDelayP99, redisCommandRate],
  async run(context) {
    const { session, seconds, output, fixtures } = context;
    const attackSeconds = seconds(20, 10);
    const quietSeconds = seconds(10, 5);
    // Accounts of the seed other than the ones the load logged in: their tokens stay valid, their limits untouched.
    const targets = fixtures.emails.slice(0, targetAccounts);
    const running = (await stackStatus(session.stage)).filter((row) => row.pid !== null);
    // This process sends both loads on the same CPUs (stage 3 leaves none free): its share belongs in the picture.
    const groups = stageCpuGroups(running, 'load generator');
    // The API's replicas (behind nginx, which is what the stage publishes): where scrypt runs.
    const appInstances = running.filter((row) => row.service === 'app').map((row) => row.instance);
    const snapshots: Record<string, CpuSnapshot> = {};
    let attack: RequestOutcome[] = [];
    output(
      `${readRate} reads/s for ${2 * quietSeconds + attackSeconds} s; from ${quietSeconds} s, ${attackRate} wrong-password logins/s for ${attackSeconds} s...`,
    );
    snapshots.start = takeSnapshot();
    const run = await runWithFault({
      ...readHeavyLoad(context, 'credential-stuffing', readRate),
      requests: readHeavyRequests.filter((request) => request.method === 'GET'),
      durationSeconds: 2 * quietSeconds + attackSeconds,
      faultAtSeconds: quietSeconds,
      async inject(mark) {
        snapshots.attackBegins = takeSnapshot();
        mark('attack begins');
        const outcomes: RequestOutcome[] = [];
        await runOpenLoad({
          baseUrl: session.baseUrl,
          name: 'credential stuffing',
          requests: [attempt],
          fixtures: { ...fixtures, emails: targets, password: 'not-the-password-0' },
          requestsPerSecond: attackRate,
          durationSeconds: attackSeconds,
          timeoutMs: 5_000,
          randomSeed: 3,
          onOutcome: (outcome) => outcomes.push(outcome),
          ...(context.settings.signal ? { signal: context.settings.signal } : {}),
        });
        mark('attack ends');
        snapshots.attackEnds = takeSnapshot();
        attack = outcomes;
      },
    });
    const attackBegins = run.marks['attack begins'] ?? 0;
    const attackEnds = run.marks['attack ends'] ?? attackBegins;
    const cpuBefore = cpuUsageBetween(
      snapshots.start as CpuSnapshot,
      snapshots.attackBegins as CpuSnapshot,
      groups,
    );
    const cpuDuring = cpuUsageBetween(
      snapshots.attackBegins as CpuSnapshot,
      snapshots.attackEnds as CpuSnapshot,
      groups,
    );
    const appCpu = (usage: typeof cpuDuring) =>
      Math.round(appInstances.reduce((total, instance) => total + (usage.groups[instance] ?? 0), 0) * 10) /
      10;

    const reads = run.outcomes.filter(isRead);
    const answeredReads = (from: number, to: number) =>
      reads.filter(
        (outcome) =>
          outcome.scheduledAtMs >= from && outcome.scheduledAtMs < to && outcome.status !== undefined,
      );
    const p95 = (outcomes: RequestOutcome[]) =>
      summarizeLatencies(outcomes.map((outcome) => outcome.latencyMs)).p95;
    const readsBefore = answeredReads(0, attackBegins);
    const readsDuring = answeredReads(attackBegins, attackEnds);
    const readsAfterBurst = answeredReads(attackBegins + burstSeconds * 1000, attackEnds);
    const failedReads = reads.filter((outcome) => classifyOutcome(outcome) === 'failed');

    const byLayer = countBy(attack, layerOf);
    const reachedScrypt = attack.filter((outcome) => outcome.status === 401).length;
    const refusedByApp = attack.filter((outcome) => outcome.status === 429 && outcome.servedBy).length;
    const refusedByNginx = attack.filter((outcome) => outcome.status === 429 && !outcome.servedBy).length;
    const otherAnswers = attack.length - reachedScrypt - refusedByApp - refusedByNginx;
    const share = (count: number) => `${((100 * count) / Math.max(1, attack.length)).toFixed(1)}%`;

    return reportDrill(context, {
      title,
      description,
      run,
      facts: {
        'attack: logins sent (wrong password, one address)': `${attack.length} over ${attackSeconds} s to ${targets.length} accounts`,
        'attack: answers by status and layer': describeCounts(byLayer),
        'guesses that reached scrypt (answered 401)': `${reachedScrypt} (${share(reachedScrypt)})`,
        'guesses refused by the app throttle (429 with X-Served-By)': `${refusedByApp} (${share(refusedByApp)})`,
        'guesses refused by nginx limit_req (429 without X-Served-By)': `${refusedByNginx} (${share(refusedByNginx)})`,
        'app CPU before → during the attack (% of one CPU, all replicas)': `${appCpu(cpuBefore)} → ${appCpu(cpuDuring)}`,
        'CPU by process before → during the attack (% of one CPU)': Object.keys(cpuDuring.groups)
          .map((name) => `${name}: ${cpuBefore.groups[name] ?? 0} → ${cpuDuring.groups[name]}`)
          .join(', '),
        'CPUs busy before → during the attack': `${cpuBefore.cpus.map((busy) => `${busy}%`).join(', ')} → ${cpuDuring.cpus.map((busy) => `${busy}%`).join(', ')}`,
        'legitimate reads p95 before → during the attack (ms)': `${p95(readsBefore).toFixed(1)} → ${p95(readsDuring).toFixed(1)} (${readsBefore.length} and ${readsDuring.length} reads)`,
        [`legitimate reads p95 during the attack after its first ${burstSeconds} s (ms)`]: `${p95(readsAfterBurst).toFixed(1)} (${readsAfterBurst.length} reads)`,
      },
      checks: [
        {
          name: 'Every guess got an answer: 401 (checked) or 429 (refused), nothing else',
          passed: attack.length > 0 && otherAnswers === 0,
          detail: describeCounts(byLayer),
        },
        {
          name: 'At most 2% of the guesses reached scrypt',
          passed: attack.length > 0 && reachedScrypt <= attack.length * 0.02,
          detail: `${reachedScrypt} of ${attack.length} were answered 401.`,
        },
        {
          name: 'No legitimate read failed',
          passed: failedReads.length === 0,
          detail: `${failedReads.length} of ${reads.length} reads got no answer or a 5xx.`,
        },
        {
          name: `Once the limits' burst was through (${burstSeconds} s into the attack), readers did not notice: the reads p95 stayed under twice its value before (+10 ms)`,
          passed: p95(readsAfterBurst) <= 2 * p95(readsBefore) + 10,
          detail: `p95 ${p95(readsBefore).toFixed(1)} ms before, ${p95(readsAfterBurst).toFixed(1)} ms from ${burstSeconds} s into the attack to its end (${p95(readsDuring).toFixed(1)} ms over the whole attack).`,
        },
      ],
      sections: [
        {
          title: 'Reads per second',
          body: `Legitimate reads by the second they were due, and their latency from when they were due.\n\n${renderReadTimeline(run.outcomes.filter(isRead), run.load.durationSeconds, attackBegins, attackEnds)}`,
        },
        {
          title: 'Guesses per second of the attack',
          body: `By the second each guess was due, from the attack's start; "app" answers carry X-Served-By.\n\n${renderAttackTimeline(attack, attackSeconds)}`,
        },
      ],
    });
  },
};

function renderAttackTimeline(attack: RequestOutcome[], seconds: number): string {
  const rows = groupBySecond(attack, seconds).map((due, second) => {
    const count = (test: (outcome: RequestOutcome) => boolean) => String(due.filter(test).length);
    return [
      String(second),
      String(due.length),
      count((outcome) => outcome.status === 401),
      count((outcome) => outcome.status === 429 && outcome.servedBy !== undefined),
      count((outcome) => outcome.status === 429 && outcome.servedBy === undefined),
      count((outcome) => outcome.status !== 401 && outcome.status !== 429),
    ];
  });
  return markdownTable(['s', 'guesses', '401 (scrypt)', '429 app', '429 nginx', 'other'], rows);
}

function renderReadTimeline(
  reads: RequestOutcome[],
  seconds: number,
  attackBegins: number,
  attackEnds: number,
): string {
  const rows = groupBySecond(reads, seconds).map((due, second) => {
    const latency = summarizeLatencies(
      due.filter((outcome) => outcome.status !== undefined).map((outcome) => outcome.latencyMs),
    );
    const underAttack = (second + 1) * 1000 > attackBegins && second * 1000 < attackEnds;
    return [
      String(second),
      String(due.length),
      latency.p50.toFixed(1),
      latency.p95.toFixed(1),
      latency.max.toFixed(1),
      underAttack ? 'attack' : '',
    ];
  });
  return markdownTable(['s', 'reads', 'p50 ms', 'p95 ms', 'max ms', ''], rows);
}
