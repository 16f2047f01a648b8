import { cpus } from 'node:os';
import type { Scenario } from '@scaling/loadtests/scenarios/types';
import { counterGrowth, metricBy, scrapeApps } from '../app-metrics.ts';
import { defineExperiment } from '../experiment.ts';
import { startHello } from '../hello-process.ts';
import { failedRequests } from '../load-summary.ts';
import { currentCpus, parseCpuList } from '../metadata.ts';
import { pinProcess } from '../pin.ts';
import { processCpu, requestRate } from '../server-series.ts';
import { startCold } from '../stage-caches.ts';
import { appInstances } from '../stage-services.ts';
import { markdownTable } from '../table.ts';
import { benchLoadGenerator, runWarmedScenario, type WarmedRun } from '../warmed-run.ts';
import { stage4 } from './cache-replicas-columns.ts';
import { hotArticleRead } from './hot-article-latency.ts';

const connections = 32;
const helloLabel = 'bare Fastify hello';

interface Measurement extends WarmedRun {
  target: 'app' | 'hello';
  /** CPU of the server measured (the replica or the hello process), % of one CPU. */
  serverCpuPercent: number;
}

export interface CachedReadSide {
  replica: string;
  cpuset: string;
  loadGeneratorCpus: string;
  slug: string;
  measurements: Measurement[];
  /** The replica's cache_requests_total growth over its measurements, by result. */
  cacheResults: Record<string, number>;
}

export const cachedReadVsHello = defineExperiment<CachedReadSide>({
  name: 'cached-read-vs-hello',
  title: 'The hot cached read on one replica against a bare Fastify "hello" on the same CPU (closed model)',
  description:
    "Anonymous GETs of the seed's most popular article sent straight to one app replica's own port (no edge, no " +
    'nginx), so every answer comes from its cache Redis after the first; then the same load against a Fastify ' +
    'server that answers {"hello":"world"} with nothing else (no logging, metrics, tracing, sessions), started by the ' +
    `bench on the replica's CPU. ${connections} connections, closed model, each measured twice in the order replica, ` +
    'hello, replica, hello, after a warm-up (not measured); the load generator is pinned to the other CPU. The ' +
    "replica's two siblings idle on the same CPU. Goal: the replica serves at least 60% of hello's throughput. " +
    'Requests per CPU-second of the server tell the same story without depending on the load generator keeping up.',
  scale: 1,
  serverSeries: [requestRate, processCpu],
  columns: [stage4],
  async run({ session, seconds, output, fixtures, settings }) {
    await startCold(session.stage, output);
    const [replica] = appInstances(session.stage);
    if (!replica) throw new Error(`Stage ${session.stage} runs no app replica.`);
    const cpuset = replica.cpuset ?? '0';
    const slug = fixtures.slugs[0] as string;
    const hello = await startHello(cpuset);
    const previousCpus = currentCpus();
    const others = otherCpus(cpuset);
    if (others) pinProcess(others);
    output(
      `${replica.name} on CPU ${cpuset} (${replica.url}); hello on CPU ${cpuset} (${hello.url}); load generator on CPU ${currentCpus()}.`,
    );
    try {
      const before = await scrapeApps([replica]);
      const measurements: Measurement[] = [];
      for (const [index, target] of (['app', 'hello', 'app', 'hello'] as const).entries()) {
        const scenario: Scenario = {
          name: target === 'app' ? 'hot cached article' : 'hello',
          description: 'one URL, as fast as answered',
          model: 'closed',
          connections,
          durationSeconds: seconds(15, 5),
          requests: [
            target === 'app'
              ? hotArticleRead(slug)
              : { name: 'hello', weight: 1, method: 'GET', path: '/', auth: 'none' },
          ],
        };
        const serverGroup = target === 'app' ? replica.name : helloLabel;
        const run = await runWarmedScenario({
          session,
          scenario,
          fixtures,
          warmUpSeconds: seconds(3, 1),
          label: target === 'app' ? `${replica.name} hot cached read` : helloLabel,
          step: `[${index + 1}/4] `,
          baseUrl: target === 'app' ? replica.url : hello.url,
          extraCpuGroups: [{ name: helloLabel, pid: hello.pid }],
          output,
          signal: settings.signal,
        });
        const serverCpuPercent = run.cpu.groups[serverGroup] ?? 0;
        output(`${Math.round(run.result.requestsPerSecond)} req/s at ${serverCpuPercent}% of one CPU.`);
        measurements.push({ ...run, target, serverCpuPercent });
      }
      const after = await scrapeApps([replica]);
      return {
        replica: replica.name,
        cpuset,
        loadGeneratorCpus: others ?? previousCpus,
        slug,
        measurements,
        cacheResults: counterGrowth(
          metricBy(before[replica.name] ?? [], 'cache_requests_total', 'result'),
          metricBy(after[replica.name] ?? [], 'cache_requests_total', 'result'),
        ),
      };
    } finally {
      pinProcess(previousCpus);
      await hello.stop();
    }
  },
  compare(results) {
    const [side] = results;
    const app = summarize(side, 'app');
    const hello = summarize(side, 'hello');
    const share = hello.requestsPerSecond > 0 ? (100 * app.requestsPerSecond) / hello.requestsPerSecond : 0;
    const value = (number: number, decimals = 0) => ({ values: [number], decimals });
    return {
      rows: [
        { label: `${side?.replica ?? 'replica'}: hot cached read, req/s`, ...value(app.requestsPerSecond) },
        { label: `${helloLabel}, req/s`, ...value(hello.requestsPerSecond) },
        { label: "the replica's share of hello's throughput, % (goal: at least 60)", ...value(share, 1) },
        { label: 'replica: p99 ms', ...value(app.p99, 2) },
        { label: 'hello: p99 ms', ...value(hello.p99, 2) },
        { label: 'replica: CPU, % of one CPU', ...value(app.serverCpu, 1) },
        { label: 'hello: CPU, % of one CPU', ...value(hello.serverCpu, 1) },
        { label: 'replica: requests per CPU-second', ...value(app.perCpuSecond) },
        { label: 'hello: requests per CPU-second', ...value(hello.perCpuSecond) },
        { label: 'load generator during the replica runs, % of one CPU', ...value(app.loadGeneratorCpu, 1) },
        { label: 'load generator during the hello runs, % of one CPU', ...value(hello.loadGeneratorCpu, 1) },
        { label: 'failed requests (no answer or 5xx), both', ...value(app.failed + hello.failed) },
      ],
      panel: {
        title: 'A hot cached read on one replica against a bare Fastify hello, same CPU (closed model)',
        unit: 'req/s',
        groups: [
          { label: `${side?.replica ?? 'replica'}: hot cached article`, values: [app.requestsPerSecond] },
          { label: helloLabel, values: [hello.requestsPerSecond] },
        ],
      },
      details: side
        ? [
            `${side.replica} and the hello server both ran on CPU ${side.cpuset}, the load generator on CPU ${side.loadGeneratorCpus}; ` +
              `article ${side.slug}. The replica's cache during its runs (cache_requests_total growth by result): ` +
              (Object.entries(side.cacheResults)
                .map(([result, count]) => `${result} ${count.toLocaleString('en-US')}`)
                .join(', ') || 'no change (the metric was not found)') +
              '.',
            '',
            markdownTable(
              [
                '#',
                'server',
                'req/s',
                'p50 ms',
                'p99 ms',
                'server CPU %',
                'load generator CPU %',
                `CPU ${side.cpuset} busy %`,
              ],
              side.measurements.map((run, index) => [
                String(index + 1),
                run.target === 'app' ? side.replica : helloLabel,
                run.result.requestsPerSecond.toFixed(0),
                run.result.latencyMs.p50.toFixed(2),
                run.result.latencyMs.p99.toFixed(2),
                run.serverCpuPercent.toFixed(1),
                (run.cpu.groups[benchLoadGenerator] ?? 0).toFixed(1),
                (run.cpu.cpus[Number(side.cpuset)] ?? 0).toFixed(1),
              ]),
            ),
          ].join('\n')
        : '',
    };
  },
});

/** The CPUs other than `cpuset`, as a taskset list; undefined when none is left. */
function otherCpus(cpuset: string): string | undefined {
  const taken = parseCpuList(cpuset);
  const free = Array.from({ length: cpus().length }, (_, cpu) => cpu).filter((cpu) => !taken.includes(cpu));
  return free.length > 0 ? free.join(',') : undefined;
}

function summarize(side: CachedReadSide | undefined, target: Measurement['target']) {
  const runs = side?.measurements.filter((run) => run.target === target) ?? [];
  const mean = (pick: (run: Measurement) => number) =>
    runs.reduce((sum, run) => sum + pick(run), 0) / Math.max(1, runs.length);
  const requestsPerSecond = mean((run) => run.result.requestsPerSecond);
  const serverCpu = mean((run) => run.serverCpuPercent);
  return {
    requestsPerSecond,
    p99: mean((run) => run.result.latencyMs.p99),
    serverCpu,
    // % of one CPU is CPU-centiseconds per second: requests per CPU-second = req/s ÷ (percent / 100).
    perCpuSecond: serverCpu > 0 ? requestsPerSecond / (serverCpu / 100) : 0,
    loadGeneratorCpu: mean((run) => run.cpu.groups[benchLoadGenerator] ?? 0),
    failed: runs.reduce((sum, run) => sum + failedRequests(run.result), 0),
  };
}
