import { relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { repoRoot } from '@scaling/stack';
import { buildReport } from './build-report.ts';
import { rerenderResultCharts } from './rerender-charts.ts';
import { screenshotPage } from './screenshot.ts';

const usage = `Usage: pnpm report [--out <folder>] [--screenshot <file.png> [--page <stage folder>]] | pnpm report --rerender

  (no option)         build the static report from every stage's committed results into .results/report/
  --out <folder>      write the report there instead
  --screenshot <png>  also take a full-page screenshot of the index (or of --page, e.g. 03-load-balancer) in Chromium
  --rerender          redraw the committed stages/*/results/bench.svg from their bench.json, without running anything`;

const output = (line: string) => console.log(`[report] ${line}`);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string', default: resolve(repoRoot, '.results/report') },
      screenshot: { type: 'string' },
      page: { type: 'string' },
      rerender: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  if (values.rerender) {
    const written = await rerenderResultCharts(repoRoot, output);
    output(
      written.length > 0
        ? `Redrew ${written.length} chart(s); commit them with the chart code that drew them.`
        : 'Every committed chart is already as the chart code draws it.',
    );
    return;
  }
  const outDir = resolve(values.out);
  const built = await buildReport({ root: repoRoot, outDir, output });
  output(
    `The report is in ${relative(process.cwd(), outDir) || '.'}/. Open it in a browser: ${pathToFileURL(built.index).href}`,
  );
  if (values.screenshot) {
    const page = values.page ? built.pages.find((path) => path.endsWith(`${values.page}.html`)) : built.index;
    if (!page)
      throw new Error(
        `There is no page for "${values.page}": pass a stage folder name, e.g. 03-load-balancer.`,
      );
    output(`Taking a screenshot of ${relative(outDir, page)} in headless Chromium...`);
    const file = resolve(values.screenshot);
    await screenshotPage(page, file);
    output(`Screenshot written to ${file}.`);
  }
}

main().catch((error: unknown) => {
  console.error(`[report] ${error instanceof Error ? error.message : String(error)}`);
  console.error(usage);
  process.exitCode = 1;
});
