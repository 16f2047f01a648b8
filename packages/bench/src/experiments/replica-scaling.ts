import { readHeavy } from '@scaling/loadtests/scenarios/read-heavy';
import { signIn } from '@scaling/loadtests/scenarios/sign-in';
import type { Scenario } from '@scaling/loadtests/scenarios/types';
import type { CpuUsage } from '../cpu-usage.ts';
import { beforeAndAfter, defineExperiment } from '../experiment.ts';
import { failedRequests } from '../load-summary.ts';
import type { RunMetadata } from '../metadata.ts';
import {
  eventLoopDelayP99,
  pgbouncerWaiting,
  poolWaiting,
  postgresTransactionRate,
  processCpu,
  requestP95,
  requestRate,
} from '../server-series.ts';
import { markdownTable } from '../table.ts';
import { benchLoadGenerator, runWarmedScenario, type WarmedRun } from '../warmed-run.ts';

export type WorkloadRun = WarmedRun;

export interface ReplicaScalingSide {
  /** By scenario name: the read-heavy mix and the sign-in storm. */
  workloads: Record<string, WorkloadRun>;
  placement: NonNullable<RunMetadata['placement']>;
  loadGeneratorCpus: string;
}

const workloads: Scenario[] = [readHeavy, signIn];

/** The stage's login limits raised (see the description): the sign-in storm must reach scrypt, not a 429. */
const loadTestVariant = 'load-test';

export const replicaScaling = defineExperiment<ReplicaScalingSide>({
  name: 'replica-scaling',
  title: 'One replica or two, each on a CPU of its own (closed model)',
  description:
    `Two workloads, closed model (${readHeavy.connections} connections sending as fast as they are answered) ` +
    'through nginx, first to one replica pinned to CPU 0, then to two replicas pinned to CPU 0 and CPU 1: the ' +
    'read-heavy mix, whose cost is mostly in Postgres, and a sign-in storm (logins only: scrypt password checks, whose ' +
    'cost is in the app). This machine has only two CPUs: nginx, Redis, PgBouncer, Postgres and the worker stay on ' +
    'CPU 1 in both runs, and the load generator runs unpinned on both. The second replica therefore does not get a ' +
    'CPU to itself: it takes what CPU 1 had left. The CPU each process used during each measurement shows where the ' +
    'time went. Both runs use the load-test variant (docker-compose.load-test.yml): nginx and the app limit logins ' +
    'per client address (and the app per account too), and every login of the storm comes from the one load ' +
    "generator's address, so with the shipped limits the storm would measure 429s, not password checks; the variant " +
    "lifts nginx's login limit and raises the app's far above what scrypt allows.",
  scale: 1,
  serverSeries: [
    requestRate,
    requestP95,
    processCpu,
    eventLoopDelayP99,
    poolWaiting,
    pgbouncerWaiting,
    postgresTransactionRate,
  ],
  columns: [
    {
      label: '1 replica (CPU 0)',
      stage: 3,
      boot: { scale: { app: 1 }, cpusets: { app: ['0'] }, variant: loadTestVariant },
    },
    {
      label: '2 replicas (CPUs 0 and 1)',
      stage: 3,
      boot: { scale: { app: 2 }, cpusets: { app: ['0', '1'] }, variant: loadTestVariant },
    },
  ],
  async run({ session, seconds, output, fixtures, settings, scale }) {
    const durationSeconds = seconds(30, 8);
    const warmUpSeconds = seconds(5, 2);
    const runs: Record<string, WorkloadRun> = {};
    for (const workload of workloads) {
      const scenario = { ...workload, durationSeconds };
      const { result, cpu } = await runWarmedScenario({
        session,
        scenario,
        fixtures,
        warmUpSeconds,
        label: workload.name,
        output,
        signal: settings.signal,
      });
      output(
        `${workload.name}: ${Math.round(result.requestsPerSecond)} req/s; CPU busy: ${cpu.cpus.map((busy, index) => `CPU ${index} ${busy}%`).join(', ')}.`,
      );
      runs[workload.name] = { result, cpu };
    }
    const metadata = session.metadata(scale);
    return {
      workloads: runs,
      placement: metadata.placement ?? [],
      loadGeneratorCpus: metadata.loadGenerator.cpus,
    };
  },
  compare(results, labels) {
    const [one, two] = beforeAndAfter(results);
    const rows = workloads.flatMap((workload) => {
      const row = (label: string, pick: (run: WorkloadRun) => number, decimals = 1) => ({
        label: `${workload.name}: ${label}`,
        values: [one, two].map((side) => {
          const run = side.workloads[workload.name];
          return run ? pick(run) : undefined;
        }),
        decimals,
      });
      return [
        row('req/s', (run) => run.result.requestsPerSecond, 0),
        row('p95 ms', (run) => run.result.latencyMs.p95),
        row('failed requests', (run) => failedRequests(run.result), 0),
        row('CPU 0 busy, %', (run) => run.cpu.cpus[0] ?? 0),
        row('CPU 1 busy, %', (run) => run.cpu.cpus[1] ?? 0),
        row('app replicas, % of one CPU', appCpu),
        row('postgres, % of one CPU', (run) => run.cpu.groups.postgres ?? 0),
      ];
    });
    return {
      rows,
      panel: {
        title: 'One versus two replicas: throughput (closed model)',
        unit: 'req/s',
        groups: workloads.map((workload) => ({
          label: workload.name,
          values: [one, two].map((side) => side.workloads[workload.name]?.result.requestsPerSecond),
        })),
      },
      details: workloads
        .flatMap((workload) => [
          `CPU time per process during ${workload.name} (% of one CPU; a process counts its children, e.g. ` +
            'Postgres\'s backends and nginx\'s worker), next to the CPUs it was pinned to; "everything else" is ' +
            'what the CPUs did beyond these processes (the kernel, other programs on the machine):',
          '',
          renderCpuTable(results, labels, workload.name),
          '',
        ])
        .join('\n'),
    };
  },
});

function appCpu(run: WorkloadRun): number {
  return Object.entries(run.cpu.groups)
    .filter(([name]) => /^app(\.\d+)?$/.test(name))
    .reduce((sum, [, percent]) => sum + percent, 0);
}

function renderCpuTable(results: ReplicaScalingSide[], labels: string[], workload: string): string {
  const runs = results.map((side) => side.workloads[workload]);
  const names = [...new Set(runs.flatMap((run) => Object.keys(run?.cpu.groups ?? {})))];
  const pinnedTo = (side: ReplicaScalingSide, name: string) =>
    name === benchLoadGenerator
      ? side.loadGeneratorCpus
      : (side.placement.find((entry) => entry.instance === name)?.cpuset ?? 'unpinned');
  const rows = names.map((name) => [
    name,
    ...results.flatMap((side, index) => {
      const percent = runs[index]?.cpu.groups[name];
      return percent === undefined ? ['', ''] : [pinnedTo(side, name), percent.toFixed(1)];
    }),
  ]);
  rows.push(['everything else', ...runs.flatMap((run) => ['', run ? unaccounted(run.cpu).toFixed(1) : ''])]);
  rows.push([
    'CPUs busy (CPU 0 / CPU 1), %',
    ...runs.flatMap((run) => ['', run?.cpu.cpus.map((busy) => busy.toFixed(1)).join(' / ') ?? '']),
  ]);
  return markdownTable(['process', ...labels.flatMap((label) => [`${label}: CPUs`, `${label}: %`])], rows);
}

/** CPU time the machine spent beyond the listed processes, in % of one CPU. */
function unaccounted(cpu: CpuUsage): number {
  const busy = cpu.cpus.reduce((sum, percent) => sum + percent, 0);
  const listed = Object.values(cpu.groups).reduce((sum, percent) => sum + percent, 0);
  return Math.max(0, busy - listed);
}
