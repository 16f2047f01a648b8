import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { columnsOf, runBenchmark } from './benchmark.ts';
import {
  assertPortsFree,
  assertStagesStopped,
  interruptOnSigint,
  parsePositive,
  prefixed,
} from './command-line.ts';
import { findBenchmark } from './stages/index.ts';

const usage = `Usage: pnpm bench <stage> [--quick] [--scale N] [--only name[,name]]

Runs the stage's bottleneck-and-fix benchmark: every experiment on each topology it compares (the previous stage
and this one, or this stage booted different ways), each booted natively in turn, seeded and loaded the same way;
writes stages/<stage>/results/bench.{json,md,svg}.
  --quick     short durations, for a smoke run (figures indicative only)
  --scale N   data scale for every experiment (default: each experiment's own, usually 1)
  --only ...  run only these experiments`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    quick: { type: 'boolean', default: false },
    scale: { type: 'string' },
    only: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help || positionals.length !== 1) {
  console.log(usage);
  process.exit(values.help ? 0 : 2);
}

const output = prefixed('bench');
try {
  const benchmark = findBenchmark(positionals[0] as string);
  const stages = [
    ...new Set(
      benchmark.experiments.flatMap((experiment) =>
        columnsOf(experiment, benchmark).map((column) => column.stage),
      ),
    ),
  ];
  await assertStagesStopped();
  await assertPortsFree(stages);
  const files = await runBenchmark(
    benchmark,
    {
      quick: values.quick,
      scale: parsePositive('scale', values.scale),
      output,
      signal: interruptOnSigint('bench', stages),
    },
    values.only?.split(',').map((name) => name.trim()) ?? [],
  );
  output(`\nResults: ${files.map((file) => relative(process.cwd(), file)).join(', ')}`);
} catch (error) {
  console.error(`\n[bench] Failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
