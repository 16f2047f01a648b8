import { resolveStage } from '@scaling/stack';
import type { Column, Drill, DrillContext, DrillReport, RunSettings } from './experiment.ts';
import { resultsDirectory } from './results.ts';
import { captureRunSeries } from './run-server-series.ts';
import type { ServerSeriesCapture } from './server-series-capture.ts';
import { writeResultsWithServerSeries } from './server-series-report.ts';
import { closeStage, openStage, prepareData } from './stage-session.ts';

/**
 * Boots the stage, seeds it, runs the drill, writes drill-<name>.{json,md} and the series it read from Prometheus
 * (drill-<name>.prometheus.json), and stops the stage. A drill with a baseline runs on the baseline's stage first.
 */
export async function runDrill(
  stage: number,
  drill: Drill,
  settings: RunSettings,
): Promise<DrillReport & { files: string[] }> {
  const captures: ServerSeriesCapture[] = [];
  let baseline: unknown;
  if (drill.baseline) {
    const { column, run } = drill.baseline;
    baseline = await onStage(column, drill, settings, captures, (context) => run(context));
  }
  const report = await onStage(
    { stage, ...(drill.boot ? { boot: drill.boot } : {}) },
    drill,
    settings,
    captures,
    (context) => drill.run({ ...context, baseline }),
  );
  const directory = resultsDirectory(stage, settings.publish);
  const files = writeResultsWithServerSeries(
    directory,
    `drill-${drill.name}`,
    // A baseline's captures are told apart by their column (its stage's label).
    { stage: resolveStage(stage).name, captures },
    { raw: report.raw, markdown: report.markdown },
  );
  return { ...report, files };
}

/** Boots one stage, seeds it, runs `body` under load context, reads what the servers did, and stops the stage. */
async function onStage<Result>(
  column: Pick<Column, 'stage'> & Partial<Column>,
  drill: Drill,
  settings: RunSettings,
  captures: ServerSeriesCapture[],
  body: (context: DrillContext) => Promise<Result>,
): Promise<Result> {
  const { output } = settings;
  const session = await openStage(column.stage, output, column);
  try {
    const scale = settings.scale ?? drill.scale;
    const fixtures = await prepareData(session, drill, scale, output);
    output(`\nDrill: ${drill.title} (${session.label})`);
    const startedAtMs = Date.now();
    const result = await body({
      session,
      settings,
      scale,
      fixtures,
      seconds: (full, quick) => (settings.quick ? quick : full),
      output: (line) => output(`  ${line}`),
    });
    captures.push(await captureRunSeries(session, drill, startedAtMs, output));
    return result;
  } finally {
    await closeStage(column.stage, output, { volumes: drill.deletesData === true });
  }
}
