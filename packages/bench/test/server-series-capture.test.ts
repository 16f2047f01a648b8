import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createPrometheusClient } from '../src/prometheus-client.ts';
import {
  type CaptureOptions,
  captureServerSeries,
  rateRangeFor,
  stepFor,
} from '../src/server-series-capture.ts';
import {
  renderServerSeriesSection,
  type ServerSeriesFile,
  summarizeCapture,
  writeServerSeries,
} from '../src/server-series-report.ts';
import { buildServerSeries } from './builders.ts';
import { freePort, usePrometheusScraping } from './prometheus-server.ts';

/** A counter growing by 10 at each scrape on two routes, and a gauge cycling 0, 1, 2. */
const exposition = (scrape: number) =>
  [
    '# TYPE demo_requests_total counter',
    `demo_requests_total{route="/a"} ${scrape * 10}`,
    `demo_requests_total{route="/b"} ${scrape}`,
    '# TYPE demo_waiting gauge',
    `demo_waiting ${scrape % 3}`,
    '',
  ].join('\n');

const waiting = buildServerSeries({
  name: 'demo-waiting',
  title: 'demo waiting',
  unit: 'count',
  query: 'max by (job) (demo_waiting)',
  by: 'job',
});

function captureOptions(overrides: Partial<CaptureOptions>): CaptureOptions {
  return {
    client: undefined,
    series: [buildServerSeries(), waiting],
    run: 'demo-drill',
    column: 'stage 9',
    startMs: Date.now() - 6_000,
    endMs: Date.now(),
    howToStart: 'Start it with "make demo-prometheus".',
    output: () => {},
    ...overrides,
  };
}

describe('Capturing server-side series from a real Prometheus', () => {
  const prometheus = usePrometheusScraping(exposition);
  const directory = mkdtempSync(join(tmpdir(), 'server-series-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('When a run ends, then each declared series comes back over its window, `$range` made a rate window', async () => {
    const startMs = Date.now() - 6_000;
    const endMs = Date.now();
    const lines: string[] = [];

    const capture = await captureServerSeries(
      captureOptions({
        client: createPrometheusClient({ url: prometheus.url }),
        startMs,
        endMs,
        output: (line) => lines.push(line),
      }),
    );

    expect(capture).toMatchObject({
      run: 'demo-drill',
      column: 'stage 9',
      prometheus: prometheus.url,
      start: Math.floor(startMs / 1000),
      end: Math.ceil(endMs / 1000),
      step: 1,
      scrapeIntervalSeconds: 1,
      rateRangeSeconds: 4,
    });
    expect(capture.unavailable).toBeUndefined();
    const [rate, gauge] = capture.series;
    expect(rate?.query).toBe('sum by (route) (rate(demo_requests_total[4s]))');
    expect(rate?.series.map((series) => series.labels)).toEqual([{ route: '/a' }, { route: '/b' }]);
    expect(gauge?.series.map((series) => series.labels)).toEqual([{ job: 'demo' }]);
    for (const series of [...(rate?.series ?? []), ...(gauge?.series ?? [])]) {
      for (const [time] of series.points) {
        expect(time).toBeGreaterThanOrEqual(capture.start);
        expect(time).toBeLessThanOrEqual(capture.end);
      }
    }
    // The run's last second is in: the capture waited for the scrape after the window ended.
    expect(gauge?.series[0]?.points.at(-1)?.[0]).toBe(capture.end);
    expect(lines).toEqual([
      `Reading 2 server-side series from Prometheus at ${prometheus.url}...`,
      'Server-side series: 2 of 2 with samples (a point every 1 s).',
    ]);
  });

  it('When a declared series has no samples or is not valid PromQL, then it is kept empty with the reason, and the others are captured', async () => {
    const capture = await captureServerSeries(
      captureOptions({
        client: createPrometheusClient({ url: prometheus.url }),
        series: [
          buildServerSeries({ name: 'absent', query: 'absent_metric_total' }),
          buildServerSeries({ name: 'broken', query: 'rate(demo_requests_total' }),
          waiting,
        ],
      }),
    );

    const [absent, broken, gauge] = capture.series;
    expect(absent).toMatchObject({ name: 'absent', series: [] });
    expect(absent?.error).toBeUndefined();
    expect(broken).toMatchObject({ name: 'broken', series: [] });
    expect(broken?.error).toMatch(/^Prometheus refused \/api\/v1\/query_range \(400, bad_data\)/);
    expect(gauge?.series).toHaveLength(1);
    expect(summarizeCapture(capture)).toMatch(
      /^demo waiting: highest [0-2] \(demo\)\. no samples: absent, broken \(Prometheus refused .*\) \(one point every 1 s\)\.$/,
    );
  });

  it('When the captures are written, then <name>.prometheus.json holds each query with its step, window and points', async () => {
    const capture = await captureServerSeries(
      captureOptions({ client: createPrometheusClient({ url: prometheus.url }) }),
    );
    const file: ServerSeriesFile = { stage: '09-demo', captures: [capture] };

    const path = writeServerSeries(directory, 'drill-demo', file);

    expect(path).toBe(join(directory, 'drill-demo.prometheus.json'));
    const stored = JSON.parse(readFileSync(path, 'utf8')) as ServerSeriesFile;
    expect(stored).toEqual(file);
    const [rate] = stored.captures[0]?.series ?? [];
    expect(rate).toMatchObject({
      name: 'demo-rate',
      query: 'sum by (route) (rate(demo_requests_total[4s]))',
      step: 1,
      start: capture.start,
      end: capture.end,
    });
    expect(rate?.series[0]?.points[0]).toEqual([expect.any(Number), expect.any(Number)]);
    expect(renderServerSeriesSection(stored, 'drill-demo.prometheus.json')).toMatch(
      /^## Server side, from Prometheus\n\n.*drill-demo\.prometheus\.json.*\n\n- demo-drill, stage 9: demo requests per second: highest \d+(\.\d)? req\/s \(\/a\); demo waiting: highest [0-2] \(demo\) \(one point every 1 s\)\.$/,
    );
  });
});

describe('Capturing server-side series without a Prometheus', () => {
  it('When Prometheus is not reachable, then the capture is empty and says the run goes on without it, and how to start it', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const lines: string[] = [];

    const capture = await captureServerSeries(
      captureOptions({ client: createPrometheusClient({ url }), output: (line) => lines.push(line) }),
    );

    expect(capture.series).toEqual([]);
    expect(capture.unavailable).toMatch(
      /^The run continues without server-side series: Prometheus is not reachable at http:\/\/127\.0\.0\.1:\d+\/api\/v1\/targets\?state=active \(.*ECONNREFUSED.*\): check that it is running\. Start it with "make demo-prometheus"\.$/,
    );
    expect(lines.at(-1)).toBe(capture.unavailable);
    expect(summarizeCapture(capture)).toBe(capture.unavailable);
  });

  it('When the stage runs no Prometheus at all, then the capture says so and how to get one', async () => {
    const capture = await captureServerSeries(captureOptions({ client: undefined }));

    expect(capture.series).toEqual([]);
    expect(capture.unavailable).toBe(
      'The run continues without server-side series: the stage runs no Prometheus. Start it with "make demo-prometheus".',
    );
  });
});

describe('Choosing the step and the rate window', () => {
  it('When a run is long, then the step grows so a series keeps at most 240 points', () => {
    expect(stepFor(40, 1)).toBe(1);
    expect(stepFor(40, 5)).toBe(5);
    expect(stepFor(3_600, 1)).toBe(15);
  });

  it('When the step or the scrape interval grows, then the rate window covers four scrapes and a step plus a scrape', () => {
    expect(rateRangeFor(1, 1)).toBe(4);
    expect(rateRangeFor(15, 1)).toBe(16);
    expect(rateRangeFor(5, 5)).toBe(20);
  });
});
