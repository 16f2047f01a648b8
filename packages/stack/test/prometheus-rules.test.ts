import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { resolveStage } from '../src/index.ts';
import { prometheusFiles } from '../src/prometheus-files.ts';

/**
 * The stage-3 alerts evaluated by `promtool test rules` over made-up series, one case per alert: the series that
 * should fire it does, and a healthy one does not. The annotations are left out of the copy under test, since
 * promtool would compare their rendered text; what is tested is each expression and its `for`.
 */
const folder = mkdtempSync(join(tmpdir(), 'prometheus-rules-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const rules = parse(prometheusFiles(resolveStage(3))[1]?.content ?? '') as {
  groups: { rules: Record<string, unknown>[] }[];
};
for (const group of rules.groups) for (const rule of group.rules) delete rule.annotations;
writeFileSync(join(folder, 'rules.yml'), stringify(rules));

interface AlertCase {
  series: { series: string; values: string }[];
  alertname: string;
  at: string;
  firing: Record<string, string>[];
}

function promtoolTest(testCase: AlertCase): string {
  const file = join(folder, `${testCase.alertname}-${testCase.firing.length}.yml`);
  writeFileSync(
    file,
    stringify({
      rule_files: ['rules.yml'],
      evaluation_interval: '15s',
      tests: [
        {
          interval: '15s',
          input_series: testCase.series,
          alert_rule_test: [
            {
              eval_time: testCase.at,
              alertname: testCase.alertname,
              exp_alerts: testCase.firing.map((labels) => ({ exp_labels: labels })),
            },
          ],
        },
      ],
    }),
  );
  try {
    return execFileSync('promtool', ['test', 'rules', file], { encoding: 'utf8', stdio: 'pipe' });
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string };
    throw new Error(`promtool test rules failed:\n${failed.stdout ?? ''}${failed.stderr ?? ''}`);
  }
}

const requests = (status: string, perStep: number) => ({
  series: `http_requests_total{job="app",instance="app.1:9464",method="GET",route="/api/tags",status_class="${status}"}`,
  values: `0+${perStep}x40`,
});

describe('the stage-3 alerts', () => {
  it('When 10% of the answers are 5xx for over two minutes, then HighErrorRatio fires for the job; at 1% it does not', () => {
    promtoolTest({
      series: [requests('2xx', 90), requests('5xx', 10)],
      alertname: 'HighErrorRatio',
      at: '4m',
      firing: [{ alertname: 'HighErrorRatio', job: 'app', severity: 'page' }],
    });
    promtoolTest({
      series: [requests('2xx', 99), requests('5xx', 1)],
      alertname: 'HighErrorRatio',
      at: '4m',
      firing: [],
    });
  });

  it('When most requests take between 0.5 s and 1 s for over five minutes, then SlowP95Latency fires', () => {
    const bucket = (le: string, perStep: number) => ({
      series: `http_request_duration_seconds_bucket{job="app",instance="app.1:9464",method="GET",route="/api/tags",status_class="2xx",le="${le}"}`,
      values: `0+${perStep}x40`,
    });
    promtoolTest({
      series: [bucket('0.1', 10), bucket('0.5', 20), bucket('1', 100), bucket('+Inf', 100)],
      alertname: 'SlowP95Latency',
      at: '7m',
      firing: [{ alertname: 'SlowP95Latency', job: 'app', severity: 'ticket' }],
    });
  });

  it('When every pool client is busy and checkouts wait for a minute, then PgPoolSaturated fires for that process', () => {
    const pool = '{job="app",instance="app.2:9464",pool="primary"}';
    promtoolTest({
      series: [
        { series: `pg_pool_clients${pool}`, values: '10x20' },
        { series: `pg_pool_idle_clients${pool}`, values: '0x20' },
        { series: `pg_pool_max_clients${pool}`, values: '10x20' },
        { series: `pg_pool_waiting_requests${pool}`, values: '4x20' },
      ],
      alertname: 'PgPoolSaturated',
      at: '2m',
      firing: [
        {
          alertname: 'PgPoolSaturated',
          job: 'app',
          instance: 'app.2:9464',
          pool: 'primary',
          severity: 'ticket',
        },
      ],
    });
  });

  it('When clients wait for a Postgres backend in PgBouncer for a minute, then PgBouncerClientsWaiting fires for the database', () => {
    promtoolTest({
      series: [
        {
          series:
            'pgbouncer_pools_client_waiting_connections{job="pgbouncer-exporter",database="conduit",user="conduit_app"}',
          values: '3x20',
        },
        {
          series:
            'pgbouncer_pools_client_waiting_connections{job="pgbouncer-exporter",database="pgbouncer",user="pgbouncer"}',
          values: '1x20',
        },
      ],
      alertname: 'PgBouncerClientsWaiting',
      at: '2m',
      firing: [{ alertname: 'PgBouncerClientsWaiting', database: 'conduit', severity: 'ticket' }],
    });
  });

  it('When Redis holds 95% of its maxmemory for two minutes, then RedisMemoryNearMax fires; without a maxmemory it does not', () => {
    const redis = '{job="redis-exporter",instance="redis-exporter:9121"}';
    promtoolTest({
      series: [
        { series: `redis_memory_used_bytes${redis}`, values: '95x20' },
        { series: `redis_memory_max_bytes${redis}`, values: '100x20' },
      ],
      alertname: 'RedisMemoryNearMax',
      at: '3m',
      firing: [
        {
          alertname: 'RedisMemoryNearMax',
          job: 'redis-exporter',
          instance: 'redis-exporter:9121',
          severity: 'page',
        },
      ],
    });
    promtoolTest({
      series: [
        { series: `redis_memory_used_bytes${redis}`, values: '95x20' },
        { series: `redis_memory_max_bytes${redis}`, values: '0x20' },
      ],
      alertname: 'RedisMemoryNearMax',
      at: '3m',
      firing: [],
    });
  });

  it('When the cache Redis holds 95% of its maxmemory, then RedisMemoryNearMax stays silent: a cache evicts there by design', () => {
    const cache = '{job="redis-cache-exporter",instance="redis-cache-exporter:9121"}';
    promtoolTest({
      series: [
        { series: `redis_memory_used_bytes${cache}`, values: '95x20' },
        { series: `redis_memory_max_bytes${cache}`, values: '100x20' },
      ],
      alertname: 'RedisMemoryNearMax',
      at: '3m',
      firing: [],
    });
  });

  it('When one replica cannot be scraped for 30 s, then TargetDown names that replica only', () => {
    promtoolTest({
      series: [
        { series: 'up{job="app",instance="app.1:9464"}', values: '1x10' },
        { series: 'up{job="app",instance="app.2:9464"}', values: '0x10' },
      ],
      alertname: 'TargetDown',
      at: '1m',
      firing: [{ alertname: 'TargetDown', job: 'app', instance: 'app.2:9464', severity: 'page' }],
    });
  });

  it('When the exporter cannot read nginx for 30 s, then NginxDown fires', () => {
    promtoolTest({
      series: [{ series: 'nginx_up{job="nginx-exporter",instance="nginx-exporter:9113"}', values: '0x10' }],
      alertname: 'NginxDown',
      at: '1m',
      firing: [
        { alertname: 'NginxDown', job: 'nginx-exporter', instance: 'nginx-exporter:9113', severity: 'page' },
      ],
    });
  });

  it('When Postgres serves 90 of its 100 connections for two minutes, then PostgresConnectionsNearMax fires', () => {
    const postgres = 'job="postgres-exporter",instance="postgres-exporter:9187"';
    promtoolTest({
      series: [
        { series: `pg_stat_activity_count{${postgres},datname="conduit",state="idle"}`, values: '60x20' },
        { series: `pg_stat_activity_count{${postgres},datname="conduit",state="active"}`, values: '30x20' },
        { series: `pg_settings_max_connections{${postgres}}`, values: '100x20' },
      ],
      alertname: 'PostgresConnectionsNearMax',
      at: '3m',
      firing: [
        { alertname: 'PostgresConnectionsNearMax', instance: 'postgres-exporter:9187', severity: 'ticket' },
      ],
    });
  });

  it('When a test expects an alert the series do not fire, then promtool reports it (the harness can fail)', () => {
    expect(() =>
      promtoolTest({
        series: [{ series: 'up{job="app",instance="app.1:9464"}', values: '1x10' }],
        alertname: 'TargetDown',
        at: '1m',
        firing: [{ alertname: 'TargetDown', job: 'app', instance: 'app.1:9464', severity: 'page' }],
      }),
    ).toThrow(/promtool test rules failed/);
  });
});
