import { describe, expect, it } from 'vitest';
import { createPrometheusClient, PrometheusError, parseDurationSeconds } from '../src/prometheus-client.ts';
import { freePort, usePrometheusScraping } from './prometheus-server.ts';
import { serveDuringTests } from './test-server.ts';

/** The target's counter grows by 10 at each scrape, once a second: a rate of about 10 per second. */
const exposition = (scrape: number) =>
  [
    '# TYPE demo_requests_total counter',
    `demo_requests_total{route="/a"} ${scrape * 10}`,
    '# TYPE demo_waiting gauge',
    `demo_waiting ${scrape % 3}`,
    '',
  ].join('\n');

async function failureOf(promise: Promise<unknown>): Promise<PrometheusError> {
  const error = await promise.then(
    () => undefined,
    (rejection: unknown) => rejection,
  );
  expect(error).toBeInstanceOf(PrometheusError);
  return error as PrometheusError;
}

describe('Prometheus client against a real Prometheus', () => {
  const prometheus = usePrometheusScraping(exposition);
  const client = () => createPrometheusClient({ url: prometheus.url });

  it('When a target has been scraped, then targets() lists it up with its scrape interval', async () => {
    const [target, ...others] = await client().targets();

    expect(others).toEqual([]);
    expect(target).toMatchObject({ job: 'demo', health: 'up', lastError: '', scrapeIntervalSeconds: 1 });
    expect(target?.scrapeUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    expect(target?.lastScrapeMs).toBeGreaterThan(Date.now() - 5_000);
  });

  it('When an instant query selects a gauge, then each series comes back with its labels and value', async () => {
    const samples = await client().query('demo_waiting');

    expect(samples).toHaveLength(1);
    expect(samples[0]?.labels).toMatchObject({ __name__: 'demo_waiting', job: 'demo' });
    expect([0, 1, 2]).toContain(samples[0]?.value);
  });

  it('When a value is NaN, then it comes back as null, which JSON can hold', async () => {
    const [sample] = await client().query('vector(0) / 0');

    expect(sample?.value).toBeNull();
  });

  it("When a range query asks for a counter's rate, then one series per label set, a point every step", async () => {
    // Rounded up: the latest scrape must fall inside the window, or its rate may lack a second sample.
    const end = Math.ceil(Date.now() / 1000);
    const series = await client().queryRange('sum by (route) (rate(demo_requests_total[4s]))', {
      start: end - 4,
      end,
      step: 2,
    });

    expect(series.map((entry) => entry.labels)).toEqual([{ route: '/a' }]);
    const points = series[0]?.points ?? [];
    expect(points.map(([time]) => time)).toEqual([end - 4, end - 2, end].slice(-points.length));
    for (const [, value] of points) expect(value).toBeGreaterThan(0);
  });

  it("When a query is not valid PromQL, then it is rejected with Prometheus's reason", async () => {
    const error = await failureOf(client().query('rate(demo_requests_total'));

    expect(error.code).toBe('PROMETHEUS_QUERY_REJECTED');
    expect(error.message).toMatch(/Prometheus refused \/api\/v1\/query \(400, bad_data\): .*parse error/);
  });

  it('When the answer is larger than the bound, then it is refused rather than buffered', async () => {
    const small = createPrometheusClient({ url: prometheus.url, maxResponseBytes: 64 });

    const error = await failureOf(small.targets());

    expect(error.code).toBe('PROMETHEUS_RESPONSE_TOO_LARGE');
    expect(error.message).toContain('larger than 64 bytes');
  });
});

describe('Prometheus client when the server cannot answer', () => {
  const silent = serveDuringTests(() => {
    // Never answers: the client's deadline must end the wait.
  });

  it('When nothing listens at the address, then the error says Prometheus is not reachable', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;

    const error = await failureOf(createPrometheusClient({ url }).query('up'));

    expect(error.code).toBe('PROMETHEUS_UNREACHABLE');
    expect(error.message).toMatch(
      /^Prometheus is not reachable at .*ECONNREFUSED.*: check that it is running\.$/,
    );
  });

  it('When the server does not answer within the timeout, then the call fails with a timeout', async () => {
    const client = createPrometheusClient({ url: silent.baseUrl, timeoutMs: 200 });

    const error = await failureOf(client.targets());

    expect(error.code).toBe('PROMETHEUS_TIMEOUT');
    expect(error.message).toContain('within 200 ms');
  });

  it('When the targets API writes a duration, then it is read in seconds', () => {
    expect([
      parseDurationSeconds('15s'),
      parseDurationSeconds('1m30s'),
      parseDurationSeconds('500ms'),
    ]).toEqual([15, 90, 0.5]);
    expect(parseDurationSeconds('soon')).toBeUndefined();
  });
});
