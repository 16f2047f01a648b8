import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { benchComparisonSpec } from './charts/bench-comparison.ts';
import { renderChart } from './render-chart.ts';
import { readStages } from './results/stage-results.ts';

/**
 * Redraws each stage's committed bench.svg from its committed bench.json, with the chart code as it is now: a
 * change of the charts reaches the READMEs without running a benchmark again (which would change the figures).
 */
export async function rerenderResultCharts(root: string, output: (line: string) => void): Promise<string[]> {
  const written: string[] = [];
  for (const stage of readStages(root)) {
    for (const set of [stage.results, ...stage.checks]) {
      for (const { name, file } of set.benches) {
        const svgPath = join(root, set.path, `${name}.svg`);
        // Only the charts a bench run wrote: a check's folder keeps the JSON and Markdown without one.
        if (!existsSync(svgPath)) continue;
        const svg = await renderChart(benchComparisonSpec(file));
        if (readFileSync(svgPath, 'utf8') === svg) {
          output(`${relative(root, svgPath)}: unchanged.`);
          continue;
        }
        writeFileSync(svgPath, svg);
        output(`${relative(root, svgPath)}: redrawn from ${name}.json.`);
        written.push(svgPath);
      }
    }
  }
  return written;
}
