import { stackRestart, stackServiceStatus } from '@scaling/stack';
import { reportDrill } from '../drill-report.ts';
import type { Drill } from '../experiment.ts';
import { runWithFault, usualFaultTiming } from '../fault-run.ts';
import {
  pgbouncerWaiting,
  poolWaiting,
  postgresConnections,
  requestP95,
  serverErrorRate,
  targetsUp,
} from '../server-series.ts';
import { readHeavyLoad } from '../steady-load.ts';

const requestsPerSecond = 50;
/** How long after Postgres is ready again failures may still show: pools notice dead connections on use. */
const settleMs = 5_000;

const title = 'Postgres restarts under load';
const description =
  `Steady open-model load (the read-heavy mix, ${requestsPerSecond} req/s). Postgres is restarted through the stack ` +
  '(a fast shutdown, then a start of the same configuration), as a minor-version upgrade or a config change does. ' +
  'The app must ride it out without being restarted itself: errors only while the database is away.';

export const dbRestart: Drill = {
  name: 'db-restart',
  title,
  description,
  scale: 1,
  serverSeries: [postgresConnections, pgbouncerWaiting, poolWaiting, serverErrorRate, requestP95, targetsUp],
  async run(context) {
    const { session, seconds, output } = context;
    const { durationSeconds, faultAtSeconds } = usualFaultTiming(seconds);
    const apiBefore = await stackServiceStatus(session.stage, session.apiService);
    output(
      `${requestsPerSecond} req/s for ${durationSeconds} s; Postgres restarts at ${faultAtSeconds} s...`,
    );
    const run = await runWithFault({
      ...readHeavyLoad(context, 'db-restart', requestsPerSecond),
      durationSeconds,
      faultAtSeconds,
      async inject(mark) {
        mark('postgres restart begins');
        await stackRestart(session.stage, 'postgres', { output });
        mark('postgres ready again');
      },
    });
    const apiAfter = await stackServiceStatus(session.stage, session.apiService);
    const readyAt = run.marks['postgres ready again'] ?? 0;
    const lastSeconds = run.timeline.slice(-5);
    return reportDrill(context, {
      title,
      description,
      run,
      facts: {
        [`${session.apiService} pid before → after`]: `${apiBefore.pid} → ${apiAfter.pid}`,
        'Postgres away (restart begins → ready again)': `${readyAt - (run.marks['postgres restart begins'] ?? 0)} ms`,
      },
      checks: [
        {
          name: `The ${session.apiService} process was not restarted`,
          passed:
            apiBefore.pid !== null &&
            apiBefore.pid === apiAfter.pid &&
            apiBefore.restarts === apiAfter.restarts,
          detail: `pid ${apiBefore.pid} → ${apiAfter.pid}, restarts ${apiBefore.restarts} → ${apiAfter.restarts}.`,
        },
        {
          name: `Failures stayed within the restart (until ${settleMs / 1000} s after Postgres was ready)`,
          passed: run.outage === null || run.outage.endMs <= readyAt + settleMs,
          detail: run.outage
            ? `${run.outage.failed} failed requests, the last one ending at ${(run.outage.endMs / 1000).toFixed(1)} s; Postgres was ready at ${(readyAt / 1000).toFixed(1)} s.`
            : 'No request failed.',
        },
        {
          name: 'The API answered normally again by the end',
          passed: lastSeconds.every((bucket) => bucket.failed === 0 && bucket.ok > 0),
          detail: `The last ${lastSeconds.length} seconds: ${lastSeconds.map((bucket) => `${bucket.ok} ok / ${bucket.failed} failed`).join(', ')}.`,
        },
      ],
    });
  },
};
