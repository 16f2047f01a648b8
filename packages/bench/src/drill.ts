import type { Drill, DrillReport, RunSettings } from './experiment.ts';
import { resultsDirectory, writeResultFiles } from './results.ts';
import { closeStage, loadData, openStage } from './stage-session.ts';

/** Boots the stage, seeds it, runs the drill, writes drill-<name>.{json,md} and stops the stage. */
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
    const report = await drill.run({
      session,
      settings,
      scale,
      fixtures,
      seconds: (full, quick) => (settings.quick ? quick : full),
      output: (line) => output(`  ${line}`),
    });
    const files = writeResultFiles(resultsDirectory(stage, settings.publish), `drill-${drill.name}`, {
      raw: report.raw,
      markdown: report.markdown,
    });
    return { ...report, files };
  } finally {
    await closeStage(stage, output);
  }
}
