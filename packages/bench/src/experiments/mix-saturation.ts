import { readHeavy } from '@scaling/loadtests/scenarios/read-heavy';
import { defineExperiment } from '../experiment.ts';
import { failedRequests } from '../load-summary.ts';
import {
  pgbouncerWaiting,
  postgresTransactionRate,
  processCpu,
  requestP95,
  requestRate,
} from '../server-series.ts';
import { startCold } from '../stage-caches.ts';
import { benchLoadGenerator, runWarmedScenario, type WarmedRun } from '../warmed-run.ts';
import { allColumns } from './cache-replicas-columns.ts';

/**
 * Enough connections that the 80 ms an edge miss spends crossing toxiproxy does not cap the throughput (Little's
 * law: 32 connections waiting 80 ms each would stop near 400 req/s whatever the origin can do).
 */
const connections = 256;

export type MixSaturationSide = WarmedRun;

export const mixSaturation = defineExperiment<MixSaturationSide>({
  name: 'mix-saturation',
  title: 'Saturation throughput of the read-heavy mix (closed model)',
  description:
    `The read-heavy mix, closed model: ${connections} connections each sending its next request as soon as the ` +
    'last is answered, through the front door (stage 3: nginx; stage 4: the edge), after an unmeasured warm-up from ' +
    `a cold start. ${connections} rather than the usual 32 connections, because in stage 4 every request the edge ` +
    'does not answer crosses the 2 × 40 ms of added distance: with few connections the distance, not the stack, would ' +
    'cap the rate. The load generator shares both CPUs with the stage; its CPU is reported.',
  scale: 1,
  serverSeries: [requestRate, requestP95, processCpu, pgbouncerWaiting, postgresTransactionRate],
  columns: allColumns,
  async run({ session, seconds, output, fixtures, settings }) {
    await startCold(session.stage, output);
    const scenario = { ...readHeavy, connections, durationSeconds: seconds(30, 8) };
    const run = await runWarmedScenario({
      session,
      scenario,
      fixtures,
      warmUpSeconds: seconds(10, 3),
      label: 'read-heavy',
      output,
      signal: settings.signal,
    });
    output(
      `${Math.round(run.result.requestsPerSecond)} req/s, p95 ${run.result.latencyMs.p95.toFixed(1)} ms.`,
    );
    return run;
  },
  compare(results) {
    const row = (label: string, pick: (side: MixSaturationSide) => number, decimals = 1) => ({
      label,
      values: results.map(pick),
      decimals,
    });
    const cpuOf = (pattern: RegExp) => (side: MixSaturationSide) =>
      Object.entries(side.cpu.groups)
        .filter(([name]) => pattern.test(name))
        .reduce((sum, [, percent]) => sum + percent, 0);
    return {
      rows: [
        row('req/s', (side) => side.result.requestsPerSecond, 0),
        row('p50 ms', (side) => side.result.latencyMs.p50),
        row('p95 ms', (side) => side.result.latencyMs.p95),
        row('p99 ms', (side) => side.result.latencyMs.p99),
        row('failed requests (no answer or 5xx)', (side) => failedRequests(side.result), 0),
        row('non-2xx answers', (side) => side.result.non2xx, 0),
        row('CPU 0 busy, %', (side) => side.cpu.cpus[0] ?? 0),
        row('CPU 1 busy, %', (side) => side.cpu.cpus[1] ?? 0),
        row('app replicas, % of one CPU', cpuOf(/^app(\.\d+)?$/)),
        row('primary Postgres, % of one CPU', cpuOf(/^postgres$/)),
        row('replica Postgres servers, % of one CPU', cpuOf(/^postgres-replica/)),
        row('edge (Varnish) and toxiproxy, % of one CPU', cpuOf(/^(varnish|toxiproxy)$/)),
        row('load generator, % of one CPU', (side) => side.cpu.groups[benchLoadGenerator] ?? 0),
      ],
      panel: {
        title: 'Read-heavy mix at saturation: throughput (closed model)',
        unit: 'req/s',
        groups: [{ label: 'read-heavy mix', values: results.map((side) => side.result.requestsPerSecond) }],
      },
    };
  },
});
