import type { Drill, DrillReport, RunSettings } from './experiment.ts';
import { resultsDirectory } from './results.ts';
import { captureRunSeries } from './run-server-series.ts';
import { writeResultsWithServerSeries } from './server-series-report.ts';
import { closeStage, loadData, openStage } from './stage-session.ts';

/**
 * Boots the stage, seeds it, runs the drill, writes drill-<name>.{json,md} and the series it read from Prometheus
 * (drill-<name>.prometheus.json), and stops the stage.
 */
export async function runDrill(
  stage: number,
  drill: Drill,
  settings: RunSettings,
): Promise<DrillReport & { files: string[] }> {
  const { output } = settings;
  const session = await openStage(stage, output);
  try {
    const scale = settings.scale ?? drill.scale;
    const fixtures = await loadData(session, scale, output);
    output(`\nDrill: ${drill.title}`);
    const startedAtMs = Date.now();
    const report = await drill.run({
      session,
      settings,
      scale,
      fixtures,
      seconds: (full, quick) => (settings.quick ? quick : full),
      output: (line) => output(`  ${line}`),
    });
    const capture = await captureRunSeries(session, drill, startedAtMs, output);
    const serverSeries = { stage: session.name, captures: [capture] };
    const directory = resultsDirectory(stage, settings.publish);
    const files = writeResultsWithServerSeries(directory, `drill-${drill.name}`, serverSeries, {
      raw: report.raw,
      markdown: report.markdown,
    });
    return { ...report, files };
  } finally {
    await closeStage(stage, output);
  }
}
