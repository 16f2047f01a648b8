import { parseArgs } from 'node:util';
import { claimStages, exitWithUsageUnless, reportFailure, runOptions } from './command-line.ts';
import { runDrill } from './drill.ts';
import { describeWritten } from './results.ts';
import { findBenchmark } from './stages/index.ts';

const usage = `Usage: pnpm drill <stage> <name> [--quick] [--scale N] [--publish]

Boots the stage natively, seeds it, runs steady load, injects the drill's fault at a known time and writes
drill-<name>.{json,md} into .results/<stage>/ (git-ignored): a per-second timeline, the outage window, errors and
the checks. Exits 1 when a check fails.
  --publish   write into the stage's tracked stages/<stage>/results/ instead, to commit with its README`;

const { values, positionals } = parseArgs({ allowPositionals: true, options: runOptions });
exitWithUsageUnless(positionals.length === 2, values.help, usage);

try {
  const [stage, name] = positionals as [string, string];
  const benchmark = findBenchmark(stage);
  const drill = benchmark.drills.find((candidate) => candidate.name === name);
  if (!drill) {
    const names = benchmark.drills.map((candidate) => candidate.name).join(', ');
    throw new Error(`Stage ${benchmark.stage} has no drill "${name}": choose one of ${names}.`);
  }
  const stages = [...(drill.baseline ? [drill.baseline.column.stage] : []), benchmark.stage];
  const settings = await claimStages('drill', stages, values);
  const result = await runDrill(benchmark.stage, drill, settings);
  console.log(`\n${result.markdown.split('\n## Errors')[0]}`);
  settings.output(describeWritten(result.files, settings.publish));
  if (!result.passed) {
    settings.output('A check failed: see the report above.');
    process.exitCode = 1;
  }
} catch (error) {
  reportFailure('drill', error);
}
