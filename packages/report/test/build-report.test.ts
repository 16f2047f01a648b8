import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildReport } from '../src/build-report.ts';
import { buildCapture, buildDrill, buildFixtureRoot, buildMetadata } from './fixture-root.ts';
import { countMarks } from './svg-marks.ts';

const roots: string[] = [];

function fixtureRoot(files: Record<string, unknown>): string {
  const root = buildFixtureRoot(files);
  roots.push(root);
  return root;
}

async function buildStagePage(root: string): Promise<string> {
  const report = await buildReport({ root, outDir: join(root, 'report'), output: () => {} });
  return readFileSync(report.pages[0] as string, 'utf8');
}

afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

describe('buildReport', () => {
  it("When a stage's README opens with the previous stage's limit, then its page states that bottleneck and lists the fix", async () => {
    const page = await buildStagePage(fixtureRoot({}));
    expect(page).toContain('<h1>Stage 2: a fixture</h1>');
    expect(page).toContain('<p>Stage 1 shares one CPU.</p>');
    expect(page).toContain('<p>Stage 2 moves the database away.</p>');
    expect(page).toContain('<li>The database gets its own host</li><li>Jobs leave the API process</li>');
    expect(page).toContain('No results committed yet.');
  });

  it('When a drill was published, then its page has its checks, its figures and its timeline chart', async () => {
    const page = await buildStagePage(fixtureRoot({ 'drill-db-restart.json': buildDrill() }));
    expect(page).toContain('<span class="pass">PASS</span> The app was not restarted.');
    expect(page).toContain('<td>app pid before → after</td><td>10 → 10</td>');
    expect(page).toContain('<figure class="chart" id="results-drill-db-restart-timeline">');
    // Second 1 holds ok and failed requests, the others only ok ones.
    expect(countMarks(page, 'bars')).toBe(4);
  });

  it('When a drill fired bursts instead of steady load, then its page has its checks and names the Markdown holding its rounds', async () => {
    const stampede = {
      title: 'A hot key expires under 500 concurrent requests (stampede)',
      metadata: buildMetadata(),
      rounds: [{ statuses: { 200: 500 } }],
      checks: [{ name: 'Every request answered 200', passed: true, detail: 'round 1: 500 × 200' }],
    };
    const page = await buildStagePage(fixtureRoot({ 'drill-stampede.json': stampede }));
    expect(page).toContain('<h3 id="results-drill-stampede">A hot key expires under 500 concurrent requests');
    expect(page).toContain('<span class="pass">PASS</span> Every request answered 200.');
    expect(page).toContain('<code>stages/02-fixture/results/drill-stampede.md</code>');
    expect(countMarks(page, 'bars')).toBe(0);
  });

  it('When Prometheus series are stored next to the results, then each query with samples is a chart with a line per series', async () => {
    const page = await buildStagePage(
      fixtureRoot({
        'drill-db-restart.prometheus.json': { stage: '02-fixture', captures: [buildCapture()] },
      }),
    );
    expect(page).toContain('Server side: drill-db-restart, from Prometheus');
    expect(page).toContain('requests served per second, per process');
    expect(page).not.toContain('memory Redis uses');
    expect(countMarks(page, 'lines')).toBe(2);
    // The samples Prometheus answered NaN for (null) are left out.
    expect(countMarks(page, 'points')).toBe(4);
  });

  it('When a run could read no Prometheus, then its page says why instead of charting', async () => {
    const unavailable = 'The run continues without server-side series: no Prometheus runs with it.';
    const page = await buildStagePage(
      fixtureRoot({
        'bench.prometheus.json': {
          stage: '02-fixture',
          captures: [buildCapture({ unavailable, series: [] })],
        },
      }),
    );
    expect(page).toContain(unavailable);
    expect(countMarks(page, 'lines')).toBe(0);
  });

  it('When a result file lacks a field the report reads, then the build fails naming the file and the field', async () => {
    const root = fixtureRoot({ 'drill-db-restart.json': buildDrill({ timeline: undefined }) });
    await expect(buildStagePage(root)).rejects.toThrow(
      /drill-db-restart\.json is not a result file .*\(timeline: /,
    );
  });
});
