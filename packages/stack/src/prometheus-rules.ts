import { stringify } from 'yaml';
import type { ComposeFile } from './compose.ts';
import { type ScrapeJob, scrapeJobs } from './prometheus-config.ts';

interface RecordingRule {
  record: string;
  expr: string;
}

interface AlertingRule {
  alert: string;
  expr: string;
  for: string;
  labels: { severity: 'page' | 'ticket' };
  annotations: { summary: string; description: string };
}

interface RuleGroup {
  name: string;
  rules: (RecordingRule | AlertingRule)[];
}

const alert = (
  name: string,
  expr: string,
  duration: string,
  severity: 'page' | 'ticket',
  summary: string,
  description: string,
): AlertingRule => ({
  alert: name,
  expr,
  for: duration,
  labels: { severity },
  annotations: { summary, description },
});

/** Our services' HTTP traffic and pg pools (prom-client, packages/metrics and packages/db). */
const nodeGroups: RuleGroup[] = [
  {
    name: 'conduit-http',
    rules: [
      { record: 'job:http_requests:rate1m', expr: 'sum by (job) (rate(http_requests_total[1m]))' },
      {
        record: 'job:http_requests_5xx:ratio_rate1m',
        expr: 'sum by (job) (rate(http_requests_total{status_class="5xx"}[1m])) / sum by (job) (rate(http_requests_total[1m]))',
      },
      {
        record: 'job:http_request_duration_seconds:p95_1m',
        expr: 'histogram_quantile(0.95, sum by (job, le) (rate(http_request_duration_seconds_bucket[1m])))',
      },
      alert(
        'HighErrorRatio',
        'job:http_requests_5xx:ratio_rate1m > 0.05',
        '2m',
        'page',
        'More than 5% of the API answers are 5xx errors.',
        '{{ $labels.job }} answers {{ $value | humanizePercentage }} of its requests with a 5xx: read its logs for the error codes.',
      ),
      alert(
        'SlowP95Latency',
        'job:http_request_duration_seconds:p95_1m > 0.5',
        '5m',
        'ticket',
        'The 95th percentile of API response times is above 500 ms.',
        '{{ $labels.job }} answers 5% of its requests in more than {{ $value | humanizeDuration }}: look for a saturated pool or a slow query.',
      ),
    ],
  },
  {
    name: 'conduit-pg-pool',
    rules: [
      {
        record: 'instance:pg_pool_busy_clients:ratio',
        expr: '(pg_pool_clients - pg_pool_idle_clients) / pg_pool_max_clients',
      },
      alert(
        'PgPoolSaturated',
        'pg_pool_waiting_requests > 0 and instance:pg_pool_busy_clients:ratio >= 1',
        '1m',
        'ticket',
        'A process waits for database connections: its pg pool is at its maximum.',
        '{{ $labels.instance }} ({{ $labels.job }}) has every client of pool {{ $labels.pool }} busy and {{ $value }} checkouts waiting: raise DATABASE_POOL_MAX or find what holds the connections.',
      ),
    ],
  },
];

function serverGroups(jobs: ScrapeJob[]): RuleGroup[] {
  const has = (source: string) => jobs.some((job) => job.source === source);
  const rules: AlertingRule[] = [];
  if (has('postgres-exporter')) {
    rules.push(
      alert(
        'PostgresConnectionsNearMax',
        'sum by (instance) (pg_stat_activity_count) / on (instance) max by (instance) (pg_settings_max_connections) > 0.8',
        '2m',
        'ticket',
        'Postgres uses more than 80% of max_connections.',
        'Postgres has {{ $value | humanizePercentage }} of its connections in use: new clients will soon be refused.',
      ),
    );
  }
  if (has('pgbouncer-exporter')) {
    rules.push(
      alert(
        'PgBouncerClientsWaiting',
        'max by (database) (pgbouncer_pools_client_waiting_connections{database!="pgbouncer"}) > 0',
        '1m',
        'ticket',
        'Clients of PgBouncer wait for a server connection.',
        '{{ $value }} clients of database {{ $labels.database }} wait for a Postgres backend: default_pool_size is too small for the load, or queries hold backends too long.',
      ),
    );
  }
  if (has('redis-exporter')) {
    // The job of the sessions' Redis only: a cache Redis (stage 4's redis-cache-exporter) evicts at maxmemory by design.
    rules.push(
      alert(
        'RedisMemoryNearMax',
        'redis_memory_max_bytes{job="redis-exporter"} > 0 and redis_memory_used_bytes{job="redis-exporter"} / redis_memory_max_bytes{job="redis-exporter"} > 0.9',
        '2m',
        'page',
        'Redis uses more than 90% of its maxmemory.',
        'Redis is at {{ $value | humanizePercentage }} of maxmemory with noeviction: writes (new sessions) will fail with 503.',
      ),
    );
  }
  if (has('nginx-exporter')) {
    rules.push(
      alert(
        'NginxDown',
        'nginx_up == 0',
        '30s',
        'page',
        'The nginx exporter cannot read nginx.',
        "The nginx exporter cannot reach nginx's stub_status: nginx is down or its status listener is gone.",
      ),
    );
  }
  return rules.length === 0 ? [] : [{ name: 'conduit-servers', rules }];
}

/** Any target, a replica included: Prometheus itself records `up` per target. */
const targetsGroup: RuleGroup = {
  name: 'conduit-targets',
  rules: [
    { record: 'job:up:ratio', expr: 'avg by (job) (up)' },
    alert(
      'TargetDown',
      'up == 0',
      '30s',
      'page',
      'Prometheus cannot scrape a target.',
      '{{ $labels.job }} target {{ $labels.instance }} is down (a replica, an exporter or a server): `pnpm stack ps` or `docker compose ps` shows which process.',
    ),
  ],
};

/** The recording rules and alerts that matter for a stage, from what its topology runs. */
export function prometheusRules(compose: ComposeFile, stageName: string): string {
  const jobs = scrapeJobs(compose);
  const measured = jobs.some((job) => job.source === 'node');
  const groups = [...(measured ? nodeGroups : []), ...serverGroups(jobs), targetsGroup];
  return [
    `# Generated from docker-compose.yml by \`pnpm stack prometheus ${Number.parseInt(stageName, 10)}\` (packages/stack/src/prometheus-rules.ts): change them there.`,
    stringify({ groups }, { lineWidth: 0 }),
  ].join('\n');
}
