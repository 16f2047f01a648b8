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
 * The usual 32 connections, and enough that the 80 ms an edge miss spends crossing toxiproxy does not cap the rate
 * (Little's law: 32 connections waiting 80 ms each stop near 400 req/s whatever the origin can do), each column's
 * saturation being the higher of the two.
 */
const connectionCounts = [32, 256];

export interface MixSaturationSide {
  /** In the order of `connectionCounts`. */
  runs: (WarmedRun & { connections: number })[];
}

/** The run with the most requests per second: the column's saturation. */
function best(side: MixSaturationSide): WarmedRun & { connections: number } {
  return side.runs.reduce((top, run) =>
    run.result.requestsPerSecond > top.result.requestsPerSecond ? run : top,
  );
}

export const mixSaturation = defineExperiment<MixSaturationSide>({
  name: 'mix-saturation',
  title: 'Saturation throughput of the read-heavy mix (closed model)',
  description:
    'The read-heavy mix, closed model: N connections each sending its next request as soon as the last is answered, ' +
    'through the front door (stage 3: nginx; stage 4: the edge), after an unmeasured warm-up from a cold start; ' +
    `first with ${connectionCounts.join(', then with ')} connections. In stage 4 every request the edge does not ` +
    'answer crosses the 2 × 40 ms of added distance, so with few connections the distance, not the stack, caps the ' +
    "rate; with many, queues grow wherever the stack is slowest. A column's saturation is the higher of its two " +
    'rates. The load generator shares both CPUs with the stage; the CPU of each process is reported for that run.',
  scale: 1,
  serverSeries: [requestRate, requestP95, processCpu, pgbouncerWaiting, postgresTransactionRate],
  columns: allColumns,
  async run({ session, seconds, output, fixtures, settings }) {
    await startCold(session.stage, output);
    const runs: MixSaturationSide['runs'] = [];
    for (const [index, connections] of connectionCounts.entries()) {
      const scenario = { ...readHeavy, connections, durationSeconds: seconds(30, 8) };
      const run = await runWarmedScenario({
        session,
        scenario,
        fixtures,
        warmUpSeconds: seconds(10, 3),
        label: `read-heavy, ${connections} connections`,
        step: `[${index + 1}/${connectionCounts.length}] `,
        output,
        signal: settings.signal,
      });
      output(
        `${Math.round(run.result.requestsPerSecond)} req/s, p95 ${run.result.latencyMs.p95.toFixed(1)} ms.`,
      );
      runs.push({ ...run, connections });
    }
    return { runs };
  },
  compare(results) {
    const row = (label: string, pick: (side: MixSaturationSide) => number | undefined, decimals = 1) => ({
      label,
      values: results.map(pick),
      decimals,
    });
    const cpuOf = (pattern: RegExp) => (side: MixSaturationSide) =>
      Object.entries(best(side).cpu.groups)
        .filter(([name]) => pattern.test(name))
        .reduce((sum, [, percent]) => sum + percent, 0);
    return {
      rows: [
        row(
          'saturation: req/s (the higher of the two runs)',
          (side) => best(side).result.requestsPerSecond,
          0,
        ),
        ...connectionCounts.flatMap((connections, index) => [
          row(`${connections} connections: req/s`, (side) => side.runs[index]?.result.requestsPerSecond, 0),
          row(`${connections} connections: p50 ms`, (side) => side.runs[index]?.result.latencyMs.p50),
          row(`${connections} connections: p95 ms`, (side) => side.runs[index]?.result.latencyMs.p95),
          row(`${connections} connections: p99 ms`, (side) => side.runs[index]?.result.latencyMs.p99),
          row(
            `${connections} connections: failed requests (no answer or 5xx)`,
            (side) => (side.runs[index] ? failedRequests(side.runs[index].result) : undefined),
            0,
          ),
        ]),
        row('in the faster run: CPU 0 busy, %', (side) => best(side).cpu.cpus[0] ?? 0),
        row('in the faster run: CPU 1 busy, %', (side) => best(side).cpu.cpus[1] ?? 0),
        row('in the faster run: app replicas, % of one CPU', cpuOf(/^app(\.\d+)?$/)),
        row('in the faster run: primary Postgres, % of one CPU', cpuOf(/^postgres$/)),
        row('in the faster run: replica Postgres servers, % of one CPU', cpuOf(/^postgres-replica/)),
        row('in the faster run: edge (Varnish) and toxiproxy, % of one CPU', cpuOf(/^(varnish|toxiproxy)$/)),
        row(
          'in the faster run: load generator, % of one CPU',
          (side) => best(side).cpu.groups[benchLoadGenerator] ?? 0,
        ),
      ],
      panel: {
        title: 'Read-heavy mix at saturation: throughput (closed model)',
        unit: 'req/s',
        groups: connectionCounts.map((connections, index) => ({
          label: `${connections} connections`,
          values: results.map((side) => side.runs[index]?.result.requestsPerSecond),
        })),
      },
    };
  },
});
