import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readStages, type StageResults } from './results/stage-results.ts';
import { renderIndexBody } from './site/index-page.ts';
import { type PageLink, renderPage, stylesheet } from './site/layout.ts';
import { renderStageBody } from './site/stage-page.ts';

export interface BuildOptions {
  /** The repository whose stages/*\/results the report reads. */
  root: string;
  outDir: string;
  output: (line: string) => void;
}

export interface BuiltReport {
  index: string;
  pages: string[];
}

const pageOf = (stage: StageResults) => `${stage.name}.html`;

/** Reads every stage's committed results and writes the static site: index.html, a page per stage, style.css. */
export async function buildReport(options: BuildOptions): Promise<BuiltReport> {
  const stages = readStages(options.root);
  options.output(`Read the results of ${stages.length} stages from ${join(options.root, 'stages')}.`);
  mkdirSync(options.outDir, { recursive: true });
  const nav: PageLink[] = [
    { href: 'index.html', label: 'All stages' },
    ...stages.map((stage) => ({ href: pageOf(stage), label: `Stage ${stage.number}` })),
  ];
  writeFileSync(join(options.outDir, 'style.css'), stylesheet);
  const index = join(options.outDir, 'index.html');
  writeFileSync(
    index,
    renderPage({ title: 'Scaling Conduit: results', nav, body: await renderIndexBody(stages, pageOf) }),
  );
  options.output('Wrote index.html.');
  const pages: string[] = [];
  for (const stage of stages) {
    const page = join(options.outDir, pageOf(stage));
    writeFileSync(page, renderPage({ title: stage.readme.title, nav, body: await renderStageBody(stage) }));
    options.output(`Wrote ${pageOf(stage)}.`);
    pages.push(page);
  }
  return { index, pages };
}
