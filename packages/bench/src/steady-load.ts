import { readHeavy } from '@scaling/loadtests/scenarios/read-heavy';
import type { DrillContext } from './experiment.ts';
import type { FaultRunOptions } from './fault-run.ts';

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
