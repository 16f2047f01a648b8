import { parseArgs } from 'node:util';
import { columnsOf, runBenchmark } from './benchmark.ts';
import { claimStages, exitWithUsageUnless, reportFailure, runOptions } from './command-line.ts';
import { describeWritten } from './results.ts';
import { findBenchmark } from './stages/index.ts';

const usage = `Usage: pnpm bench <stage> [--quick] [--scale N] [--only name[,name]] [--publish]

Runs the stage's bottleneck-and-fix benchmark: every experiment on each topology it compares (the previous stage
and this one, or this stage booted different ways), each booted natively in turn, seeded and loaded the same way;
writes bench.{json,md,svg} into .results/<stage>/ (git-ignored).
  --quick     short durations, for a smoke run (figures indicative only)
  --scale N   data scale for every experiment (default: each experiment's own, usually 1)
  --only ...  run only these experiments, written to a folder named after them (results/<name>[+<name>]/)
  --publish   write into the stage's tracked stages/<stage>/results/ instead, to commit with its README`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { ...runOptions, only: { type: 'string' } },
});
exitWithUsageUnless(positionals.length === 1, values.help, usage);

try {
  const benchmark = findBenchmark(positionals[0] as string);
  const stages = [
    ...new Set(
      benchmark.experiments.flatMap((experiment) =>
        columnsOf(experiment, benchmark).map((column) => column.stage),
      ),
    ),
  ];
  const settings = await claimStages('bench', stages, values);
  const files = await runBenchmark(
    benchmark,
    settings,
    values.only?.split(',').map((name) => name.trim()) ?? [],
  );
  settings.output(`\n${describeWritten(files, settings.publish)}`);
} catch (error) {
  reportFailure('bench', error);
}
