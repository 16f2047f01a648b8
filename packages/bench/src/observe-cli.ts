import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { claimStages, exitWithUsageUnless, reportFailure, runOptions } from './command-line.ts';
import { observeRunningStage } from './observe.ts';
import { renderTargets, renderTrace, writeObservation } from './observe-report.ts';
import { describeWritten, resultsDirectory } from './results.ts';
import { closeStage, openStage } from './stage-session.ts';

const usage = `Usage: pnpm observe 3 [--publish]

Boots stage 3 natively with every trace kept, then: saves what replica app.1 serves at /metrics, saves Prometheus'
scrape targets and checks that every one is up, sends one authenticated POST /api/articles through nginx, takes the
trace id nginx logged, and saves that trace from Zipkin (JSON, and a tree of its spans). Writes them into
.results/03-load-balancer/observability/ (git-ignored) with a README; stops the stage. Exits 1 when a target is down.
  --publish   write into stages/03-load-balancer/results/observability/ instead, to commit`;

const { values, positionals } = parseArgs({ allowPositionals: true, options: runOptions });
exitWithUsageUnless(positionals.length === 1 && /^0?3\b/.test(positionals[0] ?? ''), values.help, usage);

const stage = 3;
try {
  const settings = await claimStages('observe', [stage], values);
  const { output } = settings;
  // The compose file reads these when the stack plans the replicas: keep every trace, sent to Zipkin.
  process.env.OTEL_TRACES_SAMPLER_ARG = '1';
  process.env.OTEL_TRACES_EXPORTER = 'zipkin';
  const session = await openStage(stage, output);
  try {
    const observation = await observeRunningStage(stage, output);
    const metadata = session.metadata(1);
    const directory = join(resultsDirectory(stage, settings.publish), 'observability');
    const files = writeObservation(directory, observation, {
      stageName: session.name,
      command: `pnpm observe ${stage}${settings.publish ? ' --publish' : ''}`,
      commit: metadata.commit,
      dirty: metadata.dirty,
      date: metadata.startedAt,
    });
    console.log(`\nScrape targets:\n${renderTargets(observation.targets).join('\n')}`);
    console.log(`\nTrace:\n${renderTrace(observation).join('\n')}\n`);
    output(describeWritten(files, settings.publish));
    const down = observation.targets.filter((target) => target.health !== 'up');
    if (down.length > 0) {
      output(
        `${down.length} scrape target(s) down: ${down.map((target) => `${target.job} ${target.instance}`).join(', ')}. ` +
          `See why in targets.json (lastError) and "pnpm stack logs ${stage} <service>".`,
      );
      process.exitCode = 1;
    } else {
      output(`All ${observation.targets.length} scrape targets are up.`);
    }
  } finally {
    await closeStage(stage, output);
  }
} catch (error) {
  reportFailure('observe', error);
}
