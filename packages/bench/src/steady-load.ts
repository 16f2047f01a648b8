import { readHeavy } from '@scaling/loadtests/scenarios/read-heavy';
import type { DrillContext } from './experiment.ts';
import type { FaultRunOptions } from './fault-run.ts';
import { loadProgress } from './live-progress.ts';
import { type ArrivalRate, type OpenLoadResult, type RequestOutcome, runOpenLoad } from './open-load.ts';

/** A fault run's load: everything `runWithFault` needs but when it ends and what fault it injects when. */
export type SteadyLoad = Omit<FaultRunOptions, 'durationSeconds' | 'faultAtSeconds' | 'inject'>;

/** The read-heavy browsing mix at a steady rate, labelled with the stage and the run's `name`. */
export function readHeavyLoad(
  context: Pick<DrillContext, 'session' | 'fixtures' | 'settings'>,
  name: string,
  requestsPerSecond: number,
): SteadyLoad {
  return {
    label: `${context.session.label} ${name}`,
    baseUrl: context.session.baseUrl,
    requests: readHeavy.requests,
    fixtures: context.fixtures,
    requestsPerSecond,
    signal: context.settings.signal,
  };
}

export type ReadHeavyRunOptions = ReadHeavyRunSettings & ArrivalRate;

interface ReadHeavyRunSettings {
  /** Names the run in the progress line, after the stage's label. */
  name: string;
  randomSeed: number;
  /** A request without an answer after this long counts as failed (the load's default otherwise). */
  timeoutMs?: number;
  onOutcome?: (outcome: RequestOutcome) => void;
  /** Ends the run early (the experiment's own reasons; Ctrl-C always does). */
  signal?: AbortSignal;
}

/** The read-heavy mix through the stage's front door, open model, with a progress line. */
export function runReadHeavy(
  context: Pick<DrillContext, 'session' | 'fixtures' | 'settings'>,
  options: ReadHeavyRunOptions,
): Promise<OpenLoadResult> {
  const { session, fixtures, settings } = context;
  const rate: ArrivalRate = options.phases
    ? { phases: options.phases }
    : { requestsPerSecond: options.requestsPerSecond, durationSeconds: options.durationSeconds };
  return runOpenLoad({
    baseUrl: session.baseUrl,
    name: readHeavy.name,
    requests: readHeavy.requests,
    fixtures,
    ...rate,
    randomSeed: options.randomSeed,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.onOutcome ? { onOutcome: options.onOutcome } : {}),
    onProgress: loadProgress(`${session.label} ${options.name}`),
    signal: options.signal ? AbortSignal.any([settings.signal, options.signal]) : settings.signal,
  });
}
