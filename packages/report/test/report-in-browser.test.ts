import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '@scaling/stack';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../src/browser.ts';
import { type BuiltReport, buildReport } from '../src/build-report.ts';
import { readStages } from '../src/results/stage-results.ts';
import { probePage } from './page-probe.ts';

interface ChartState {
  id: string;
  width: number;
  height: number;
  /** Mark items (bars, points, lines, rules) with a non-zero extent. */
  sizedMarks: number;
}

interface PageState {
  title: string;
  heading: string;
  links: string[];
  charts: ChartState[];
  errors: string[];
}

/** Opens a page of the report the way a reader would (file://) and reads back what Chromium drew. */
async function inspect(browser: Browser, url: string): Promise<PageState> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('requestfailed', (request) => errors.push(`${request.url()}: ${request.failure()?.errorText}`));
  try {
    await page.goto(url, { waitUntil: 'load', timeout: 15_000 });
    const state = (await page.evaluate(probePage)) as Omit<PageState, 'errors'>;
    return { ...state, errors };
  } finally {
    await page.close();
  }
}

function expectEveryChartDrawn(state: PageState): void {
  expect(state.errors).toEqual([]);
  expect(state.charts.length).toBeGreaterThan(0);
  for (const chart of state.charts) {
    expect(chart.width * chart.height, `chart ${chart.id} has no size`).toBeGreaterThan(0);
    expect(chart.sizedMarks, `chart ${chart.id} drew no mark`).toBeGreaterThan(0);
  }
}

describe('the results report in Chromium', () => {
  let outDir: string;
  let report: BuiltReport;
  let browser: Browser;

  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'report-'));
    report = await buildReport({ root: repoRoot, outDir, output: () => {} });
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    rmSync(outDir, { recursive: true, force: true });
  });

  it('When the index is built from the committed results and opened, then every chart on it drew its marks and nothing failed', async () => {
    const index = await inspect(browser, pathToFileURL(report.index).href);
    expect(index.heading).toBe('Scaling Conduit: results');
    expectEveryChartDrawn(index);
  }, 30_000);

  it('When each page the index links to is opened, then it loads with its stage heading and every chart drew its marks', async () => {
    const index = await inspect(browser, pathToFileURL(report.index).href);
    const linked = [...new Set(index.links.map((link) => link.split('#')[0] as string))].filter(
      (link) => link !== pathToFileURL(report.index).href,
    );
    expect(linked.sort()).toEqual(report.pages.map((page) => pathToFileURL(page).href).sort());
    // A stage being built has a page before it has figures: it says so and draws nothing.
    const withoutFigures = readStages(repoRoot)
      .filter(({ results }) =>
        [results.drills, results.burstDrills, results.benches].every((runs) => runs.length === 0),
      )
      .filter(({ results }) => !results.demo)
      .map((stage) => `${stage.name}.html`);
    for (const url of linked) {
      const page = await inspect(browser, url);
      expect(page.heading, url).toMatch(/^Stage \d+: /);
      if (withoutFigures.some((name) => url.endsWith(`/${name}`))) {
        expect({ errors: page.errors, charts: page.charts.length }, url).toEqual({ errors: [], charts: 0 });
      } else {
        expectEveryChartDrawn(page);
      }
    }
  }, 60_000);
});
