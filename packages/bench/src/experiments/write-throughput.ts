import { randomBytes } from 'node:crypto';
import { mulberry32 } from '@scaling/seed';
import { stackStatus } from '@scaling/stack';
import { runClosedLoad } from '../closed-load.ts';
import { type CpuUsage, cpuUsageBetween, stageCpuGroups, takeSnapshot } from '../cpu-usage.ts';
import { eventSources, outboxEvents } from '../event-audit.ts';
import { defineExperiment } from '../experiment.ts';
import { loadProgress } from '../live-progress.ts';
import { describeCounts, failedRequests } from '../load-summary.ts';
import { summarizeLatencies } from '../percentiles.ts';
import type { ScenarioResult } from '../run-scenario.ts';
import { postgresTransactionRate, processCpu, requestRate } from '../server-series.ts';
import { originUrl } from '../stage-services.ts';
import { markdownTable } from '../table.ts';
import { benchLoadGenerator } from '../warmed-run.ts';
import { plannedWrites, prepareWriteWorkload, writeHeavyWeights } from '../write-workload.ts';
import { commonQuota, databaseQuotas } from './database-quotas.ts';
import { onePrimary, threeShards } from './sharding-columns.ts';

const connections = 32;
/** A database server using this share of its quota or more was held back by it. */
const atQuotaShare = 0.9;
/** Both CPUs this busy: the machine, not one server's quota, was the limit. */
const machineBusyPercent = 90;

/** `one article`, `2 articles`: for the descriptions. */
export const articles = (count: number) => (count === 1 ? 'one article' : `${count} articles`);

/** The writers of stage 6's latency experiments and drills (48 in a trial put half the writes on one shard). */
export const writeMixShape = { writers: 120, articlesEach: 1, followsEach: 2 };

/**
 * The throughput comparison is held back by its busiest shard, so the writers' spread over the ring must follow the
 * ring's shares rather than the luck of a small sample: with 120 writers one shard took from 38% to 46% of the
 * writes between two runs (its ring share is about a third).
 */
const throughputShape = { ...writeMixShape, writers: 480 };

export interface WriteThroughputSide {
  /** nginx, the front door of the app replicas (stage 5's edge would only add its latency to every write). */
  baseUrl: string;
  databaseQuotas: Record<string, number | null>;
  result: ScenarioResult;
  /** p95 ms per kind of write. */
  p95ByKind: Record<string, number>;
  cpu: CpuUsage;
  databaseServers: string[];
  /** Outbox rows each database server wrote during the measured run (stage 6: where the writes went). */
  eventsByServer: Record<string, number>;
}

export const writeThroughput = defineExperiment<WriteThroughputSide>({
  name: 'write-throughput',
  title:
    'Write-heavy mix: one primary (stage 5) against three shards (stage 6), each server the same CPU quota',
  description:
    `The write-heavy mix (new articles ${writeHeavyWeights.article}, comments ${writeHeavyWeights.comment}, ` +
    `favorites ${writeHeavyWeights.favorite}), closed model, ${connections} connections, sent to nginx (stage 5's ` +
    `edge would only add its 80 ms to every write). Before it, ${throughputShape.writers} writers are registered ` +
    `through the API, follow ${throughputShape.followsEach} others each and publish ${articles(throughputShape.articlesEach)} ` +
    'each, which the comments and favorites aim at (never a favorite twice). Both stages run their load-test ' +
    "variant: sign-up limits lifted, the app's replicas fixed, and every Postgres server held to the same CPU quota " +
    '(read from both plans and given below). The CPU of each process and processor is read from /proc over the ' +
    'measured part: a database server near its quota was the limit; both CPUs busy means the machine was.',
  scale: 1,
  seeded: false,
  serverSeries: [requestRate, postgresTransactionRate, processCpu],
  columns: [onePrimary, threeShards],
  async run(context) {
    const { session, seconds, output, settings } = context;
    const quotas = databaseQuotas(session.stage);
    const quota = commonQuota(quotas);
    if (typeof quota === 'string')
      throw new Error(`Cannot compare ${session.label}: ${quota}. Fix its variant.`);
    output(`Every database server's CPU quota: ${quota ?? 'none'} (${Object.keys(quotas).join(', ')}).`);
    const baseUrl = originUrl(session.stage);
    const workload = await prepareWriteWorkload({
      baseUrl,
      runId: randomBytes(3).toString('hex'),
      ...throughputShape,
      output,
    });
    const writes = plannedWrites(workload, mulberry32(7));
    output(`Warming up for ${seconds(10, 3)} s (not measured)...`);
    await runClosedLoad({
      baseUrl,
      name: 'write-heavy warm-up',
      source: writes.next,
      connections,
      durationSeconds: seconds(10, 3),
      signal: settings.signal,
    });
    const groups = stageCpuGroups(await stackStatus(session.stage), benchLoadGenerator);
    const latencies: Record<string, number[]> = {};
    output(`${connections} connections for ${seconds(30, 10)} s (closed model)...`);
    const sources = await eventSources(session.stage);
    const measuredFrom = new Date();
    const start = takeSnapshot();
    const result = await runClosedLoad({
      baseUrl,
      name: 'write-heavy',
      source: writes.next,
      connections,
      durationSeconds: seconds(30, 10),
      onProgress: loadProgress(`${session.label} write-heavy`),
      onOutcome: (outcome) => {
        if (outcome.status !== undefined && outcome.status < 300) {
          latencies[outcome.name] = [...(latencies[outcome.name] ?? []), outcome.latencyMs];
        }
      },
      signal: settings.signal,
    });
    const cpu = cpuUsageBetween(start, takeSnapshot(), groups);
    output(
      `${Math.round(result.requestsPerSecond)} writes/s, p95 ${result.latencyMs.p95.toFixed(1)} ms, ` +
        `${failedRequests(result)} failed; CPUs busy ${cpu.cpus.map((busy) => `${busy.toFixed(0)}%`).join(' / ')}.`,
    );
    return {
      baseUrl,
      databaseQuotas: quotas,
      result,
      p95ByKind: Object.fromEntries(
        Object.entries(latencies).map(([kind, samples]) => [kind, summarizeLatencies(samples).p95]),
      ),
      cpu,
      databaseServers: Object.keys(quotas),
      eventsByServer: (await outboxEvents(sources, measuredFrom)).bySource,
    };
  },
  compare(results, labels) {
    const kinds = [...new Set(results.flatMap((side) => Object.keys(side.p95ByKind)))];
    const rows = [
      { label: 'writes/s', values: results.map((side) => side.result.requestsPerSecond), decimals: 0 },
      { label: 'p95 ms', values: results.map((side) => side.result.latencyMs.p95) },
      { label: 'p99 ms', values: results.map((side) => side.result.latencyMs.p99) },
      ...kinds.map((kind) => ({
        label: `p95 ms, ${kind}`,
        values: results.map((side) => side.p95ByKind[kind]),
      })),
      {
        label: 'failed writes (no answer or 5xx)',
        values: results.map((side) => failedRequests(side.result)),
        decimals: 0,
      },
      {
        label: 'other non-2xx answers',
        values: results.map((side) => nonSuccessNotFailed(side.result)),
        decimals: 0,
      },
      { label: 'database servers, % of one CPU (sum)', values: results.map((side) => databaseCpu(side)) },
      {
        label: 'app replicas, % of one CPU (sum)',
        values: results.map((side) => groupCpu(side.cpu, /^app(\.\d+)?$/)),
      },
      {
        label: 'everything else on the machine, % of one CPU',
        values: results.map((side) => unaccounted(side.cpu)),
      },
      { label: 'CPU 0 busy, %', values: results.map((side) => side.cpu.cpus[0]) },
      { label: 'CPU 1 busy, %', values: results.map((side) => side.cpu.cpus[1]) },
    ];
    return {
      rows,
      panel: {
        title: 'Write-heavy mix, closed model: writes answered per second',
        unit: 'writes/s',
        groups: [{ label: 'write-heavy mix', values: results.map((side) => side.result.requestsPerSecond) }],
      },
      morePanels: [
        {
          title: 'Write-heavy mix: p95 latency',
          unit: 'ms',
          groups: [{ label: 'write-heavy mix', values: results.map((side) => side.result.latencyMs.p95) }],
        },
      ],
      details: [
        'Where the limit was: each database server\'s CPU over the measured run against its quota ("at quota" from ' +
          `${Math.round(atQuotaShare * 100)}% of it), and whether both CPUs were busy (from ${machineBusyPercent}%).`,
        '',
        markdownTable(
          ['column', 'database servers (CPU % of one CPU / quota)', 'CPUs busy, %', 'the limit'],
          results.map((side, index) => [
            labels[index] ?? '',
            side.databaseServers
              .map((name) => {
                const quota = side.databaseQuotas[name];
                const used = side.cpu.groups[name] ?? 0;
                return `${name} ${used.toFixed(1)}${quota ? ` / ${Math.round(quota * 100)}` : ''}`;
              })
              .join(', '),
            side.cpu.cpus.map((busy) => busy.toFixed(0)).join(' / '),
            limitOf(side),
          ]),
        ),
        '',
        'Where the writes went: the outbox rows (one per write) each server wrote during the measured run (stage 5 ' +
          'has no outbox):',
        '',
        ...results.map((side, index) => `- ${labels[index]}: ${describeCounts(side.eventsByServer)}`),
        '',
        "CPU time per process over the measured run (% of one CPU; a process counts its children, e.g. Postgres's " +
          'backends):',
        '',
        renderCpuTable(results, labels),
      ].join('\n'),
    };
  },
});

/** CPU time beyond the stage's processes and the bench: the kernel, other programs on the machine. */
function unaccounted(cpu: CpuUsage): number {
  const busy = cpu.cpus.reduce((sum, percent) => sum + percent, 0);
  const listed = Object.values(cpu.groups).reduce((sum, percent) => sum + percent, 0);
  return Math.max(0, busy - listed);
}

function nonSuccessNotFailed(result: ScenarioResult): number {
  return Object.entries(result.statusCodes)
    .filter(([status]) => Number(status) >= 300 && Number(status) < 500)
    .reduce((sum, [, count]) => sum + count, 0);
}

function groupCpu(cpu: CpuUsage, name: RegExp): number {
  return Object.entries(cpu.groups)
    .filter(([group]) => name.test(group))
    .reduce((sum, [, percent]) => sum + percent, 0);
}

function databaseCpu(side: WriteThroughputSide): number {
  return side.databaseServers.reduce((sum, name) => sum + (side.cpu.groups[name] ?? 0), 0);
}

/** Says what held the run back: servers at their quota, the machine's CPUs, or neither. */
export function limitOf(side: WriteThroughputSide): string {
  const atQuota = side.databaseServers.filter((name) => {
    const quota = side.databaseQuotas[name];
    return quota ? (side.cpu.groups[name] ?? 0) >= quota * 100 * atQuotaShare : false;
  });
  const machine = side.cpu.cpus.length > 0 && side.cpu.cpus.every((busy) => busy >= machineBusyPercent);
  const parts = [
    ...(atQuota.length > 0 ? [`${atQuota.join(', ')} at quota`] : []),
    ...(machine ? ['the machine (every CPU busy)'] : []),
  ];
  return parts.length > 0 ? parts.join('; ') : 'no database server at quota, CPUs not saturated';
}

function renderCpuTable(results: WriteThroughputSide[], labels: string[]): string {
  const names = [...new Set(results.flatMap((side) => Object.keys(side.cpu.groups)))].sort();
  return markdownTable(
    ['process', ...labels],
    names.map((name) => [
      name,
      ...results.map((side) => {
        const percent = side.cpu.groups[name];
        return percent === undefined ? '' : percent.toFixed(1);
      }),
    ]),
  );
}
