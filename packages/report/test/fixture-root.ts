import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A repository root holding one stage folder, whose README and results files a test writes. */
export function buildFixtureRoot(files: Record<string, unknown>, readme = buildReadme()): string {
  const root = mkdtempSync(join(tmpdir(), 'report-root-'));
  const stage = join(root, 'stages', '02-fixture');
  mkdirSync(join(stage, 'results'), { recursive: true });
  writeFileSync(join(stage, 'README.md'), readme);
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(
      join(stage, 'results', name),
      typeof content === 'string' ? content : JSON.stringify(content),
    );
  }
  return root;
}

export function buildReadme(): string {
  return [
    '# Stage 2: a fixture',
    '',
    'Stage 1 shares one CPU. Stage 2 moves the database away.',
    '',
    '1. **The database gets its own host.** It runs on CPU 1.',
    '2. **Jobs leave the API process.**',
    '',
  ].join('\n');
}

export function buildMetadata(overrides: Record<string, unknown> = {}) {
  return {
    commit: '0123456789abcdef',
    dirty: false,
    startedAt: '2026-01-02T03:04:05.000Z',
    machine: { cores: 2, memoryGiB: 8, cpuModel: 'Test CPU' },
    data: { scale: 1, seed: 1 },
    loadGenerator: { note: 'The load generator runs on CPU 1.' },
    ...overrides,
  };
}

export function buildDrill(overrides: Record<string, unknown> = {}) {
  return {
    title: 'Postgres restarts under load',
    metadata: buildMetadata(),
    requestsPerSecond: 50,
    failedRequests: 3,
    load: { requests: 150, durationSeconds: 3, latencyMs: { p50: 5, p95: 9, p99: 12, max: 900 } },
    marks: { 'postgres restart begins': 1000 },
    timeline: [0, 1, 2].map((second) => ({
      second,
      ok: second === 1 ? 47 : 50,
      failed: second === 1 ? 3 : 0,
      unauthorized: 0,
      otherClientErrors: 0,
    })),
    outage: { startMs: 1000, endMs: 1400, durationMs: 400 },
    facts: { 'app pid before → after': '10 → 10' },
    checks: [{ name: 'The app was not restarted', passed: true, detail: 'pid 10 → 10.' }],
    ...overrides,
  };
}

const captureStart = 1_800_000_000;

/** One captured query of a capture, over the capture's window: requests per second per replica, unless overridden. */
export function buildCapturedSeries(overrides: Record<string, unknown> = {}) {
  return {
    name: 'request-rate',
    title: 'requests served per second, per process',
    unit: 'req/s',
    query: 'sum by (instance) (rate(http_request_duration_seconds_count[60s]))',
    extreme: 'highest',
    by: 'instance',
    start: captureStart,
    end: captureStart + 30,
    step: 15,
    series: [],
    ...overrides,
  };
}

/** One capture as packages/bench writes it into `<name>.prometheus.json`. */
export function buildCapture(overrides: Record<string, unknown> = {}) {
  const start = captureStart;
  const replica = (instance: string, rate: number) => ({
    labels: { instance },
    points: [0, 15, 30].map((offset) => [start + offset, offset === 30 ? null : rate]),
  });
  return {
    run: 'db-restart',
    column: 'stage 2',
    prometheus: 'http://127.0.0.1:9090',
    start,
    end: start + 30,
    step: 15,
    rateRangeSeconds: 60,
    scrapeIntervalSeconds: 15,
    series: [
      buildCapturedSeries({ series: [replica('app.1', 40), replica('app.2', 45)] }),
      buildCapturedSeries({
        name: 'redis-memory',
        title: 'memory Redis uses',
        unit: 'bytes',
        query: 'max by (instance) (redis_memory_used_bytes)',
        error: 'Prometheus answered 400: parse error.',
      }),
    ],
    ...overrides,
  };
}
