import { cpus } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { readHeavy } from '@scaling/loadtests/scenarios/read-heavy';
import type { Scenario } from '@scaling/loadtests/scenarios/types';
import { stackStatus } from '@scaling/stack';
import { phaseBoundaries, type RatePhase } from '../arrival-schedule.ts';
import { type AutoscalerSettings, autoscalerSettings } from '../autoscaler-settings.ts';
import { type CpuUsage, cpuUsageBetween, stageCpuGroups, takeSnapshot } from '../cpu-usage.ts';
import { defineExperiment, type ExperimentContext } from '../experiment.ts';
import type { OpenLoadResult, RequestOutcome } from '../open-load.ts';
import { startPrometheusSampler } from '../prometheus-sampler.ts';
import { stagePrometheus } from '../run-server-series.ts';
import {
  autoscalerCpuUtilization,
  autoscalerDesiredReplicas,
  autoscalerReplicas,
  processCpu,
  processMemory,
  requestP95,
  requestRate,
} from '../server-series.ts';
import { startCold } from '../stage-caches.ts';
import { runReadHeavy } from '../steady-load.ts';
import { benchLoadGenerator, runWarmedScenario } from '../warmed-run.ts';
import { autoscaled, fixedMinimum } from './autoscaling-jwt-columns.ts';
import { compareSpikes } from './spike-report.ts';
import {
  largestRssByReplica,
  type ReplicaSample,
  replicaSamples,
  replicasAt,
  type SpikeFigures,
  spikeFigures,
  spikeQueries,
} from './spike-timeline.ts';

/** The read-heavy scenario's own threshold: what a healthy stage keeps under this mix. */
export const p95TargetMs = readHeavy.thresholds?.p95Ms ?? 500;
/** A request unanswered after this long has failed; in the latency figures it counts as at least this long. */
export const spikeTimeoutMs = 5_000;
/** The peak, as a multiple of what two replicas carry: more than the minimum can serve, less than the machine. */
const peakShareOfTwoReplicas = 1.2;
const spikeFactor = 10;
export const windowSeconds = 5;
/** Once the replicas are back at the minimum, the load goes on this long to see the last scale-in through. */
const settleAtMinimumSeconds = 10;

export interface SpikeRates {
  /** Closed model through the edge with the minimum of replicas: what they carry. */
  twoReplicas: number;
  low: number;
  peak: number;
}

export interface SpikeSide {
  autoscaler: AutoscalerSettings;
  rates: SpikeRates;
  /** Where the rates were measured: the CPU each process used while two replicas were saturated. */
  calibrationCpu?: CpuUsage;
  phases: RatePhase[];
  load: OpenLoadResult;
  figures: SpikeFigures;
  samples: ReplicaSample[];
  /** Each app replica's highest resident memory during the run, bytes. */
  largestRss: Record<string, number>;
  /** CPU of each processor and process from the spike to the rate coming down; undefined if the run ended before. */
  holdCpu: CpuUsage | undefined;
  /** floor(cores / CPU per replica): the replicas this machine holds by CPU alone. */
  machineReplicas: number;
  samplerFailures: number;
}

export const spike = defineExperiment<SpikeSide>({
  name: 'spike',
  title: 'A 10x spike of the read-heavy mix: the autoscaler against a fixed minimum of replicas',
  description:
    'First, what the minimum of app replicas (each held to its CPU quota) carries: the read-heavy mix through the ' +
    `edge, closed model, 128 connections, on the fixed column. The spike peaks at ${peakShareOfTwoReplicas}x that, and ` +
    `starts from a tenth of the peak: the low rate, then ${spikeFactor}x within 10 s, held, back down within 10 s, ` +
    'and low again (open model, through the edge). Both columns get the same rates: the autoscaler acting (the ' +
    '`fast-scaling` variant: every window, cooldown and warm-up divided by its time scale, given with the results) ' +
    'and the same autoscaler in dry run (`fixed` variant: it decides and logs, the minimum serves). Every couple of ' +
    "seconds the bench reads from the stage's Prometheus the replicas the autoscaler runs and wants, the CPU " +
    "utilization it acts on, and each replica's resident memory. Latency per " +
    `${windowSeconds} s window counts a request not served (no answer within ${spikeTimeoutMs / 1000} s, a 5xx, or a 429 ` +
    "from nginx's per-address connection limit, which the one load generator reaches under overload) as that long; " +
    `the p95 target is the read-heavy scenario's threshold, ${p95TargetMs} ms. The load generator runs on the same ` +
    'two CPUs as the stage. Both columns start with empty caches.',
  scale: 1,
  serverSeries: [
    autoscalerReplicas,
    autoscalerDesiredReplicas,
    autoscalerCpuUtilization,
    requestRate,
    requestP95,
    processCpu,
    processMemory,
  ],
  columns: [fixedMinimum, autoscaled],
  async run(context) {
    const { session, seconds, output } = context;
    const autoscaler = autoscalerSettings(session.stage);
    output(`autoscaler: ${JSON.stringify(autoscaler)}`);
    const calibration = context.before ? undefined : await measureTwoReplicas(context);
    const rates = context.before?.rates ?? spikeRates(calibration?.requestsPerSecond ?? 0);
    const machineReplicas = Math.floor(cpus().length / autoscaler.cpuPerReplica);
    const tailSeconds = autoscaler.dryRun
      ? seconds(30, 10)
      : Math.min(seconds(600, 90), scaleInAllowance(autoscaler, machineReplicas));
    const phases: RatePhase[] = [
      { name: 'low', seconds: seconds(30, 10), requestsPerSecond: rates.low },
      { name: 'spike', seconds: 10, requestsPerSecond: rates.low, toRequestsPerSecond: rates.peak },
      { name: 'hold', seconds: seconds(120, 40), requestsPerSecond: rates.peak },
      { name: 'down', seconds: 10, requestsPerSecond: rates.peak, toRequestsPerSecond: rates.low },
      { name: 'low again', seconds: tailSeconds, requestsPerSecond: rates.low },
    ];
    const [, spikePhase, holdPhase, downPhase] = phaseBoundaries(phases);
    const moments = {
      spikeAt: (spikePhase?.fromMs ?? 0) / 1000,
      holdEnd: (holdPhase?.toMs ?? 0) / 1000,
      downAt: (downPhase?.fromMs ?? 0) / 1000,
      lowAgainAt: (downPhase?.toMs ?? 0) / 1000,
    };
    output(
      `${rates.low} req/s, ${spikeFactor}x to ${rates.peak} req/s from ${moments.spikeAt} s, held until ` +
        `${moments.holdEnd} s, back to ${rates.low} req/s for up to ${tailSeconds} s` +
        (autoscaler.dryRun ? '' : ' (ending once the replicas are back at the minimum)') +
        '...',
    );

    // Both columns start from empty caches (the edge's and the app's): the calibration must not favour one.
    await startCold(session.stage, output);
    const client = stagePrometheus(session.stage);
    if (!client)
      throw new Error(`Stage ${session.stage} runs no Prometheus, so the replicas cannot be followed.`);
    const startedAt = performance.now();
    const now = () => performance.now() - startedAt;
    const sampler = startPrometheusSampler({ client, queries: spikeQueries, intervalMs: 2_000, now, output });
    const settled = new AbortController();
    const outcomes: RequestOutcome[] = [];
    const holdCpu = measureCpuBetween(
      session.stage,
      moments.spikeAt,
      moments.downAt,
      AbortSignal.any([settled.signal, context.settings.signal]),
    );
    let settledSince: number | undefined;
    const watch = autoscaler.dryRun
      ? undefined
      : setInterval(() => {
          const latest = sampler.latest();
          const count = latest ? replicasAt(replicaSamples([latest])[0] as ReplicaSample) : undefined;
          settledSince =
            count !== undefined && count <= autoscaler.minReplicas ? (settledSince ?? now()) : undefined;
          const downEnd = (downPhase?.toMs ?? 0) + settleAtMinimumSeconds * 1000;
          if (
            settledSince !== undefined &&
            now() > downEnd &&
            now() - settledSince > settleAtMinimumSeconds * 1000
          ) {
            output(`The replicas are back at the minimum (${count}): ending the run.`);
            settled.abort();
          }
        }, 1_000);
    try {
      const load = await runReadHeavy(context, {
        name: 'spike',
        phases,
        randomSeed: 5,
        timeoutMs: spikeTimeoutMs,
        onOutcome: (outcome) => outcomes.push(outcome),
        signal: settled.signal,
      });
      const { samples, failures } = await sampler.stop();
      const replicaTimeline = replicaSamples(samples);
      const figures = spikeFigures({
        outcomes,
        durationSeconds: load.durationSeconds,
        samples: replicaTimeline,
        moments,
        windowSeconds,
        chartWindowSeconds: 20,
        targetMs: p95TargetMs,
        failedAsMs: spikeTimeoutMs,
        minReplicas: autoscaler.minReplicas,
      });
      output(
        `p95 before ${figures.p95BeforeSpikeMs.toFixed(0)} ms, over the spike and hold ${figures.p95HoldMs.toFixed(0)} ms; ` +
          `most replicas ${figures.mostReplicas ?? 'n/a'}; failed ${figures.failedSpikeAndHold} during the spike, ` +
          `${figures.failedComingDown} while the rate came down, ${figures.failedScaleIn} from then on (the scale-in).`,
      );
      return {
        autoscaler,
        rates,
        ...(calibration ? { calibrationCpu: calibration.cpu } : {}),
        phases: phases.map((phase) =>
          phase.name === 'low again'
            ? { ...phase, seconds: load.durationSeconds - moments.downAt - 10 }
            : phase,
        ),
        load,
        figures,
        samples: replicaTimeline,
        largestRss: largestRssByReplica(samples),
        holdCpu: await holdCpu,
        machineReplicas,
        samplerFailures: failures,
      };
    } finally {
      if (watch) clearInterval(watch);
      await sampler.stop();
    }
  },
  compare: compareSpikes,
});

/** The rates of the spike from what two replicas carry: a peak above their capacity, a low rate a tenth of it. */
export function spikeRates(twoReplicas: number): SpikeRates {
  const low = Math.max(1, Math.round((twoReplicas * peakShareOfTwoReplicas) / spikeFactor));
  return { twoReplicas, low, peak: low * spikeFactor };
}

/**
 * Long enough for the policy to come back from the machine's most replicas to the minimum one step at a time: a
 * scale-in cooldown per replica (600 s) and one scale-in window (300 s), divided by the time scale, plus a margin.
 */
function scaleInAllowance(settings: AutoscalerSettings, machineReplicas: number): number {
  const steps = Math.max(1, Math.min(settings.maxReplicas, machineReplicas) - settings.minReplicas);
  // The margin: a window never shrinks below three scrapes (15 s), and a replica drains before it stops.
  return Math.ceil((steps * 600 + 300) / settings.timeScale) + 60;
}

async function measureTwoReplicas(context: ExperimentContext<SpikeSide>) {
  const { session, fixtures, seconds, output, settings } = context;
  const scenario: Scenario = { ...readHeavy, connections: 128, durationSeconds: seconds(20, 8) };
  const run = await runWarmedScenario({
    session,
    scenario,
    fixtures,
    warmUpSeconds: seconds(5, 2),
    label: 'what the minimum of replicas carries',
    output,
    signal: settings.signal,
  });
  output(
    `${Math.round(run.result.requestsPerSecond)} req/s; CPU per process: ${JSON.stringify(run.cpu.groups)}`,
  );
  return { requestsPerSecond: Math.round(run.result.requestsPerSecond), cpu: run.cpu };
}

/** The CPU of every processor and stage process between two moments of the run (seconds after now). */
async function measureCpuBetween(
  stage: number,
  fromSeconds: number,
  toSeconds: number,
  signal: AbortSignal,
): Promise<CpuUsage | undefined> {
  try {
    await sleep(fromSeconds * 1000, undefined, { signal });
    const before = stageCpuGroups(await stackStatus(stage), benchLoadGenerator);
    const start = takeSnapshot();
    await sleep((toSeconds - fromSeconds) * 1000, undefined, { signal });
    const end = takeSnapshot();
    // The replicas started during the hold count too (from zero); those stopped in it are not there to read.
    const after = stageCpuGroups(await stackStatus(stage), benchLoadGenerator);
    const known = new Set(before.map((group) => group.name));
    return cpuUsageBetween(start, end, [...before, ...after.filter((group) => !known.has(group.name))]);
  } catch {
    // The run ended before the rate came down: there is no whole hold to measure.
    return undefined;
  }
}
