import type { StageBenchmark } from '../experiment.ts';
import { stage02 } from './02.ts';
import { stage03 } from './03.ts';
import { stage04 } from './04.ts';
import { stage05 } from './05.ts';
import { stage06 } from './06.ts';

/** Each stage's benchmark, by stage number; stage 1 is the baseline and has only the demo. */
export const stageBenchmarks: Record<number, StageBenchmark> = {
  2: stage02,
  3: stage03,
  4: stage04,
  5: stage05,
  6: stage06,
};

export function findBenchmark(stage: string): StageBenchmark {
  const number = Number(/^\d+/.exec(stage)?.[0]);
  const benchmark = stageBenchmarks[number];
  if (!benchmark) {
    const known = Object.keys(stageBenchmarks).join(', ');
    throw new Error(
      `Stage "${stage}" has no benchmark: choose one of ${known} (stage 1 is the baseline: run "pnpm demo").`,
    );
  }
  return benchmark;
}
