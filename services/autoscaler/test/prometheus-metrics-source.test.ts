import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { runMigrations } from '@scaling/db';
import { enqueue } from '@scaling/jobs';
import {
  type ChildPrometheus,
  eventually,
  freePort,
  startChildPrometheus,
  uniqueSuffix,
} from '@scaling/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { MetricsSourceError } from '../src/metrics-source.ts';
import { createPrometheusMetricsSource, replicaQuery } from '../src/prometheus-metrics-source.ts';
import { type ReplicaProcess, startReplicaProcess } from './support/replica-process.ts';

/** Prometheus scrapes every second here, so windows of 3 and 6 s hold three and six samples. */
const windows = { scaleOutWindowSeconds: 3, scaleInWindowSeconds: 6 };
const startGapSeconds = 4;
/** Within the test's own 20 s: a few scrapes are enough for what these tests wait for. */
const quickly = { timeoutMs: 15_000 };

/** The one kind the fixture's queue gauge reports (fixtures/replica-process.ts). */
type FixturePayloads = { fixture: { label: string } };

/** A database of its own, so the queue holds only this file's jobs. */
async function createQueueDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const shared = new URL(inject('databaseUrl'));
  const name = `autoscaler_${uniqueSuffix().replace(/\W/g, '_')}`.toLowerCase();
  const admin = new pg.Client({ connectionString: shared.href });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(shared);
  url.pathname = `/${name}`;
  await runMigrations(url.href);
  return {
    url: url.href,
    async drop() {
      const client = new pg.Client({ connectionString: shared.href });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

async function failureOf(promise: Promise<unknown>): Promise<MetricsSourceError> {
  return promise.then(
    () => {
      throw new Error('The call succeeded, but it was expected to fail.');
    },
    (error: MetricsSourceError) => error,
  );
}

describe('Prometheus metrics source against a real Prometheus scraping two replica processes', () => {
  let database: Awaited<ReturnType<typeof createQueueDatabase>>;
  let busy: ReplicaProcess;
  let idle: ReplicaProcess;
  let prometheus: ChildPrometheus;
  let queue: pg.Pool;

  beforeAll(async () => {
    database = await createQueueDatabase();
    queue = new pg.Pool({ connectionString: database.url, max: 1 });
    busy = await startReplicaProcess({ busyFraction: 0.5, databaseUrl: database.url });
    // The idle replica starts later, so the two ages differ by at least this much.
    await sleep(startGapSeconds * 1000);
    idle = await startReplicaProcess();
    prometheus = await startChildPrometheus([
      { job: 'app', address: busy.address },
      { job: 'app', address: idle.address },
    ]);
  }, 60_000);

  afterAll(async () => {
    await prometheus?.stop();
    await Promise.all([busy?.stop(), idle?.stop()]);
    await queue?.end();
    await database?.drop();
  });

  const source = () => createPrometheusMetricsSource({ url: prometheus.url, cpuPerReplica: 1 });

  it('When two replicas are scraped, then each comes back once with its age and its CPU over both windows', async () => {
    const samples = await eventually(async () => {
      const read = await source().replicaSamples('app', windows);
      expect(read.every((sample) => sample.outUtilization !== null && sample.inUtilization !== null)).toBe(
        true,
      );
      return read;
    }, quickly);

    expect(samples.map((sample) => sample.instance).sort()).toEqual([busy.address, idle.address].sort());
    const [busySample, idleSample] = [busy, idle].map((replica) =>
      samples.find((sample) => sample.instance === replica.address),
    );
    // process_start_time_seconds is whole seconds, so the gap may read a second shorter.
    expect(busySample?.ageSeconds).toBeGreaterThanOrEqual(
      (idleSample?.ageSeconds ?? 0) + startGapSeconds - 1,
    );
    expect(idleSample?.ageSeconds).toBeGreaterThan(0);
    expect(busySample?.outUtilization).toBeGreaterThan(idleSample?.outUtilization ?? 1);
    expect(busySample?.inUtilization).toBeGreaterThan(idleSample?.inUtilization ?? 1);
  });

  it('When the service has no scraped replica, then the samples are empty', async () => {
    expect(await source().replicaSamples('worker', windows)).toEqual([]);
  });

  it('When jobs are enqueued, then the backlog reads them from the queue gauge', async () => {
    expect(await source().jobBacklog()).toBe(0);

    for (const label of ['one', 'two', 'three']) await enqueue<FixturePayloads>(queue, 'fixture', { label });

    await eventually(async () => expect(await source().jobBacklog()).toBe(3), quickly);
  });

  it('When the windows are time-scaled to fractions of a second, then the query keeps them in milliseconds', () => {
    const query = replicaQuery('app', { scaleOutWindowSeconds: 42.857, scaleInWindowSeconds: 300 }, 0.25);

    expect(query).toContain('rate(process_cpu_seconds_total{job="app"}[42857ms]) / 0.25');
    expect(query).toContain('[300000ms]');
  });
});

describe('Prometheus metrics source when Prometheus cannot answer', () => {
  const silent = createServer(() => {
    // Never answers: the source's deadline must end the wait.
  });

  beforeAll(async () => {
    silent.listen(0, '127.0.0.1');
    await new Promise((resolve) => silent.once('listening', resolve));
  });

  afterAll(async () => {
    silent.closeAllConnections();
    await new Promise((resolve) => silent.close(resolve));
  });

  it('When nothing listens at PROMETHEUS_URL, then the error says Prometheus is not reachable', async () => {
    const source = createPrometheusMetricsSource({
      url: `http://127.0.0.1:${await freePort()}`,
      cpuPerReplica: 1,
    });

    const error = await failureOf(source.jobBacklog());

    expect(error.code).toBe('METRICS_SOURCE_UNREACHABLE');
    expect(error.message).toMatch(
      /^Prometheus is not reachable at .*: check that it runs and that PROMETHEUS_URL/,
    );
  });

  it('When Prometheus does not answer within the timeout, then the query fails with a timeout', async () => {
    const { port } = silent.address() as AddressInfo;
    const source = createPrometheusMetricsSource({
      url: `http://127.0.0.1:${port}`,
      cpuPerReplica: 1,
      timeoutMs: 200,
    });

    const error = await failureOf(source.replicaSamples('app', windows));

    expect(error.code).toBe('METRICS_SOURCE_TIMEOUT');
    expect(error.message).toContain('within 200 ms');
  });
});
