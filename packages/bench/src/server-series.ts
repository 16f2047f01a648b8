/** What a value of a series means, so a summary prints it readably (seconds as ms, a CPU share as %). */
export type SeriesUnit = 'req/s' | 'ops/s' | 'seconds' | 'bytes' | 'count' | 'cpu';

/**
 * A server-side series a bench experiment or drill reads from Prometheus over its run. In `query`, `$range` stands
 * for the window of `rate()`, chosen at capture time from the step and the scrape interval (a window shorter than
 * two scrapes would give no rate at all).
 */
export interface ServerSeries {
  /** Stable key: the stored file and the report name the series by it. */
  name: string;
  title: string;
  unit: SeriesUnit;
  query: string;
  /** Whether the summary reports the highest value of the window (a peak) or the lowest (e.g. targets up). */
  extreme: 'highest' | 'lowest';
  /** The label naming a series in the summary, e.g. `instance` for a replica. */
  by: string;
}

/** Throughput each Node process served, from its request histogram. */
export const requestRate: ServerSeries = {
  name: 'request-rate',
  title: 'requests served per second, per process',
  unit: 'req/s',
  query: 'sum by (instance) (rate(http_request_duration_seconds_count[$range]))',
  extreme: 'highest',
  by: 'instance',
};

export const serverErrorRate: ServerSeries = {
  name: 'server-error-rate',
  title: '5xx answers per second, per process',
  unit: 'req/s',
  query: 'sum by (instance) (rate(http_request_duration_seconds_count{status_class="5xx"}[$range]))',
  extreme: 'highest',
  by: 'instance',
};

export const requestP95: ServerSeries = {
  name: 'request-p95',
  title: 'p95 of the time the app took per request, per process',
  unit: 'seconds',
  query:
    'histogram_quantile(0.95, sum by (instance, le) (rate(http_request_duration_seconds_bucket[$range])))',
  extreme: 'highest',
  by: 'instance',
};

/** Checkouts queued for a client of a process's own pg pool: the app waits before PgBouncer or Postgres do. */
export const poolWaiting: ServerSeries = {
  name: 'pool-waiting',
  title: 'checkouts waiting for a pg pool client, per process',
  unit: 'count',
  query: 'sum by (instance) (pg_pool_waiting_requests)',
  extreme: 'highest',
  by: 'instance',
};

export const poolAcquireP95: ServerSeries = {
  name: 'pool-acquire-p95',
  title: 'p95 of the wait for a pg pool client, per process',
  unit: 'seconds',
  query:
    'histogram_quantile(0.95, sum by (instance, le) (rate(pg_pool_acquire_duration_seconds_bucket[$range])))',
  extreme: 'highest',
  by: 'instance',
};

/**
 * Clients PgBouncer holds for want of a server connection (cl_waiting). Debian's exporter (native runs) and the
 * prometheus-community image (compose) name the gauge differently.
 */
export const pgbouncerWaiting: ServerSeries = {
  name: 'pgbouncer-waiting',
  title: 'clients waiting in PgBouncer for a server connection',
  unit: 'count',
  query:
    'sum by (instance) (pgbouncer_waiting_clients) or sum by (instance) (pgbouncer_pools_client_waiting_connections)',
  extreme: 'highest',
  by: 'instance',
};

export const postgresConnections: ServerSeries = {
  name: 'postgres-connections',
  title: 'connections open on Postgres',
  unit: 'count',
  query: 'sum by (instance) (pg_stat_database_numbackends)',
  extreme: 'highest',
  by: 'instance',
};

export const postgresTransactionRate: ServerSeries = {
  name: 'postgres-transaction-rate',
  title: 'transactions per second on Postgres (commits and rollbacks)',
  unit: 'ops/s',
  query:
    'sum by (instance) (rate(pg_stat_database_xact_commit[$range]) + rate(pg_stat_database_xact_rollback[$range]))',
  extreme: 'highest',
  by: 'instance',
};

export const redisCommandRate: ServerSeries = {
  name: 'redis-command-rate',
  title: 'commands per second on Redis',
  unit: 'ops/s',
  query: 'sum by (instance) (rate(redis_commands_processed_total[$range]))',
  extreme: 'highest',
  by: 'instance',
};

/** As the app sees Redis: a stopped Redis shows as commands failing fast or waiting, not only as Redis's own figures. */
export const redisCommandP95: ServerSeries = {
  name: 'redis-command-p95',
  title: 'p95 of a Redis command as the app timed it, per process',
  unit: 'seconds',
  query:
    'histogram_quantile(0.95, sum by (instance, le) (rate(redis_command_duration_seconds_bucket[$range])))',
  extreme: 'highest',
  by: 'instance',
};

export const redisCommandErrorRate: ServerSeries = {
  name: 'redis-command-error-rate',
  title: 'failed Redis commands per second, per process',
  unit: 'ops/s',
  query: 'sum by (instance) (rate(redis_command_errors_total[$range]))',
  extreme: 'highest',
  by: 'instance',
};

export const redisMemory: ServerSeries = {
  name: 'redis-memory',
  title: 'memory Redis uses',
  unit: 'bytes',
  query: 'max by (instance) (redis_memory_used_bytes)',
  extreme: 'highest',
  by: 'instance',
};

export const nginxActiveConnections: ServerSeries = {
  name: 'nginx-active-connections',
  title: 'client connections open on nginx',
  unit: 'count',
  query: 'max by (instance) (nginx_connections_active)',
  extreme: 'highest',
  by: 'instance',
};

/** Prometheus and the exporters report process metrics too; only the Node processes expose `nodejs_version_info`. */
const nodeProcesses = 'on (instance) group by (instance) (nodejs_version_info)';

/** CPU seconds per second of each Node process: 1 is one CPU fully busy. */
export const processCpu: ServerSeries = {
  name: 'process-cpu',
  title: 'CPU of a Node process',
  unit: 'cpu',
  query: `sum by (instance) (rate(process_cpu_seconds_total[$range])) and ${nodeProcesses}`,
  extreme: 'highest',
  by: 'instance',
};

export const processMemory: ServerSeries = {
  name: 'process-memory',
  title: 'resident memory of a Node process',
  unit: 'bytes',
  query: `max by (instance) (process_resident_memory_bytes) and ${nodeProcesses}`,
  extreme: 'highest',
  by: 'instance',
};

export const eventLoopDelayP99: ServerSeries = {
  name: 'event-loop-delay-p99',
  title: 'p99 event-loop delay of a Node process',
  unit: 'seconds',
  query: 'max by (instance) (nodejs_eventloop_lag_p99_seconds)',
  extreme: 'highest',
  by: 'instance',
};

/** Every process with the queue's gauges reads the same table, so the processes' values are one figure, not a sum. */
export const jobQueueDepth: ServerSeries = {
  name: 'job-queue-depth',
  title: 'jobs ready to run and not claimed, per kind',
  unit: 'count',
  query: 'max by (kind) (jobs_queue_depth)',
  extreme: 'highest',
  by: 'kind',
};

export const jobQueueOldestAge: ServerSeries = {
  name: 'job-queue-oldest-age',
  title: 'wait of the oldest ready job, per kind',
  unit: 'seconds',
  query: 'max by (kind) (jobs_queue_oldest_age_seconds)',
  extreme: 'highest',
  by: 'kind',
};

/** 1 while Prometheus could scrape a target, 0 while it could not: a killed or restarting replica shows here. */
export const targetsUp: ServerSeries = {
  name: 'targets-up',
  title: 'scrape targets up, per job',
  unit: 'count',
  query: 'sum by (job) (up)',
  extreme: 'lowest',
  by: 'job',
};

/** Stage 4's cache-aside lookups, over every app replica: hit, miss, bypass (the store slow, down or its breaker open). */
export const cacheResultRate: ServerSeries = {
  name: 'cache-result-rate',
  title: 'app cache lookups per second, by result',
  unit: 'ops/s',
  query: 'sum by (result) (rate(cache_requests_total[$range]))',
  extreme: 'highest',
  by: 'result',
};

/** Where stage 4's reads ran (the primary or a replica), over every app replica. */
export const databaseReadRate: ServerSeries = {
  name: 'database-read-rate',
  title: 'database reads per second, by where they ran',
  unit: 'ops/s',
  query: 'sum by (target) (rate(db_reads_total[$range]))',
  extreme: 'highest',
  by: 'target',
};

/** Each replica's lag as the apps' polls measured it; the worst app's view. */
export const replicaLagSeconds: ServerSeries = {
  name: 'replica-lag',
  title: 'replication lag as the apps measure it, per replica',
  unit: 'seconds',
  query: 'max by (replica) (db_replica_lag_seconds)',
  extreme: 'highest',
  by: 'replica',
};

/** Stage 5's autoscaler: the app replicas it runs (what it acted on), per service it scales. */
export const autoscalerReplicas: ServerSeries = {
  name: 'autoscaler-replicas',
  title: 'replicas the autoscaler runs, per service',
  unit: 'count',
  query: 'max by (service) (autoscaler_replicas)',
  extreme: 'highest',
  by: 'service',
};

/** What its policy asked for: in a dry run (the bench's fixed column) it decides without acting. */
export const autoscalerDesiredReplicas: ServerSeries = {
  name: 'autoscaler-desired-replicas',
  title: 'replicas the autoscaler policy wants, per service',
  unit: 'count',
  query: 'max by (service) (autoscaler_desired_replicas)',
  extreme: 'highest',
  by: 'service',
};

/** The average CPU of the warmed-up replicas over the scale-out window, as a share of each one's quota. */
export const autoscalerCpuUtilization: ServerSeries = {
  name: 'autoscaler-cpu-utilization',
  title: 'CPU of the warmed-up replicas as a share of their quota, as the autoscaler reads it',
  unit: 'cpu',
  query: 'max by (service) (autoscaler_cpu_utilization)',
  extreme: 'highest',
  by: 'service',
};

/** How far each consumer group is behind the events topic (stage 6), from the consumers' own gauge. */
export const consumerLag: ServerSeries = {
  name: 'kafka-consumer-lag',
  title: 'messages a consumer group is behind, summed over partitions',
  unit: 'count',
  query: 'sum by (group) (kafka_consumer_lag)',
  extreme: 'highest',
  by: 'group',
};

/** Outbox rows the relay has not published yet (stage 6), per relay process. */
export const outboxUnpublished: ServerSeries = {
  name: 'outbox-unpublished',
  title: 'outbox rows waiting for the relay',
  unit: 'count',
  query: 'sum by (instance) (outbox_unpublished)',
  extreme: 'highest',
  by: 'instance',
};

/** Events the relay published to Kafka per second (stage 6). */
export const relayPublishRate: ServerSeries = {
  name: 'relay-publish-rate',
  title: 'events the relay published per second',
  unit: 'ops/s',
  query: 'sum by (instance) (rate(relay_published_total[$range]))',
  extreme: 'highest',
  by: 'instance',
};
