import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import {
  assertPortsFree,
  assertStagesStopped,
  interruptOnSigint,
  parsePositive,
  prefixed,
} from './command-line.ts';
import { runDrill } from './drill.ts';
import { findBenchmark } from './stages/index.ts';

const usage = `Usage: pnpm drill <stage> <name> [--quick] [--scale N]

Boots the stage natively, seeds it, runs steady load, injects the drill's fault at a known time and writes
stages/<stage>/results/drill-<name>.{json,md}: a per-second timeline, the outage window, errors and the checks.
Exits 1 when a check fails.`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    quick: { type: 'boolean', default: false },
    scale: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help || positionals.length !== 2) {
  console.log(usage);
  process.exit(values.help ? 0 : 2);
}

const output = prefixed('drill');
try {
  const [stage, name] = positionals as [string, string];
  const benchmark = findBenchmark(stage);
  const drill = benchmark.drills.find((candidate) => candidate.name === name);
  if (!drill) {
    const names = benchmark.drills.map((candidate) => candidate.name).join(', ');
    throw new Error(`Stage ${benchmark.stage} has no drill "${name}": choose one of ${names}.`);
  }
  await assertStagesStopped();
  await assertPortsFree([benchmark.stage]);
  const result = await runDrill(benchmark.stage, drill, {
    quick: values.quick,
    scale: parsePositive('scale', values.scale),
    output,
    signal: interruptOnSigint('drill', [benchmark.stage]),
  });
  console.log(`\n${result.markdown.split('\n## Errors')[0]}`);
  output(`Results: ${result.files.map((file) => relative(process.cwd(), file)).join(', ')}`);
  if (!result.passed) {
    output('A check failed: see the report above.');
    process.exitCode = 1;
  }
} catch (error) {
  console.error(`\n[drill] Failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
