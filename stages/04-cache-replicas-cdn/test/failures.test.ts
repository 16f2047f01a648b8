import { setTimeout as sleep } from 'node:timers/promises';
import { sampleSum, scrape } from '@scaling/metrics/testing';
import { loadPlan, stackStartService, stackStopService } from '@scaling/stack';
import { registerUser, useNativeStage } from '@scaling/testing';
import { describe, expect, it } from 'vitest';
import { ask, asUser, publish } from './support/through-the-edge.ts';

const stage = useNativeStage(4, { volumes: true });

interface ReplicaHealth {
  name: string;
  inRotation: boolean;
  lagSeconds: number | null;
  reason?: string;
}

/** Prometheus' address as the native plan gives it (the compose file's 127.0.0.1:9090). */
function prometheusUrl(): string {
  const prometheus = loadPlan(4).services.find((service) => service.kind === 'prometheus');
  const port = prometheus?.instances[0]?.ports[0]?.host;
  if (!port) throw new Error('Stage 4 runs no Prometheus: its compose file lost the prometheus service.');
  return `http://127.0.0.1:${port}`;
}

/** Where each app replica serves /metrics natively. */
const replicaMetrics = () =>
  loadPlan(4)
    .services.filter((service) => service.name === 'app')
    .flatMap((service) => service.instances)
    .map((instance) => `http://${instance.env.HOST}:${instance.env.METRICS_PORT}/metrics`);

/** Repeats `check` until it stops throwing, or rethrows its last failure after `timeoutMs`. */
async function eventually<T>(check: () => Promise<T>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(500);
    }
  }
}

/** The replicas as the app replicas report them in GET /api/health (six answers, so every app replica is asked). */
async function replicaHealth(): Promise<ReplicaHealth[][]> {
  const answers = [];
  for (let index = 0; index < 6; index += 1) {
    const health = await ask<{ replicas?: ReplicaHealth[] }>(stage.apiUrl(), '/health');
    expect(health.status).toBe(200);
    answers.push(health.body.replicas ?? []);
  }
  return answers;
}

/** Runs `clients` loops of `request` until `during` settles, and returns every status they got. */
async function underLoad(clients: number, request: () => Promise<number>, during: () => Promise<void>) {
  let stop = false;
  const statuses: number[] = [];
  const loops = Array.from({ length: clients }, async () => {
    while (!stop) statuses.push(await request().catch(() => 0));
  });
  try {
    await during();
  } finally {
    stop = true;
    await Promise.all(loops);
  }
  return statuses;
}

describe('Stage 4 booted natively: what a failure of a replica or of the cache costs the readers', () => {
  it('When stage 4 runs natively, then Prometheus scrapes every app replica, the worker, every exporter (both Redis), itself and Zipkin, all up', async () => {
    const expected = [
      'app:app.1:9464',
      'app:app.2:9464',
      'app:app.3:9464',
      'nginx-exporter:nginx-exporter:9113',
      'pgbouncer-exporter:pgbouncer-exporter:9127',
      'postgres-exporter:postgres-exporter:9187',
      'prometheus:prometheus:9090',
      'redis-cache-exporter:redis-cache-exporter:9121',
      'redis-exporter:redis-exporter:9121',
      'worker:worker:9464',
      'zipkin:zipkin:9411',
    ];
    const seen = await eventually(async () => {
      const response = await fetch(`${prometheusUrl()}/api/v1/targets`, {
        signal: AbortSignal.timeout(5000),
      });
      const targets = (
        (await response.json()) as {
          data: {
            activeTargets: { labels: { job: string; instance: string }; health: string; lastError: string }[];
          };
        }
      ).data.activeTargets;
      const down = targets.filter((target) => target.health !== 'up');
      expect(down.map((target) => `${target.labels.instance}: ${target.lastError || target.health}`)).toEqual(
        [],
      );
      return targets.map((target) => `${target.labels.job}:${target.labels.instance}`).sort();
    });
    expect(seen).toEqual(expected);
  });

  it('When signed-in users read, then the replicas count cache results and report both read replicas lag and rotation', async () => {
    const token = await registerUser(stage.apiUrl());
    const article = await publish(stage.apiUrl(), token);
    for (let index = 0; index < 6; index += 1) {
      expect(
        (await ask(stage.apiUrl(), `/articles/${article.slug}`, { headers: asUser(token) })).status,
      ).toBe(200);
    }

    const texts = await Promise.all(replicaMetrics().map((url) => scrape(url)));
    const total = (name: string, labels: Record<string, string> = {}) =>
      texts.reduce((sum, text) => sum + sampleSum(text, name, labels), 0);
    expect(total('cache_requests_total')).toBeGreaterThanOrEqual(6);
    for (const replica of ['replica-1', 'replica-2']) {
      expect(total('db_replica_in_rotation', { replica }), replica).toBe(texts.length);
    }
  });

  it('When a read replica stops, then reads keep answering 200, /api/health shows it out of rotation, and it rejoins once started again', async () => {
    const token = await registerUser(stage.apiUrl());
    const article = await publish(stage.apiUrl(), token);
    // Signed-in list reads: past the edge, and not cached by the app, so each one reaches a database.
    const read = async () =>
      (await ask(stage.apiUrl(), `/articles?author=${article.author.username}`, { headers: asUser(token) }))
        .status;

    const statuses = await underLoad(4, read, async () => {
      await sleep(500);
      await stackStopService(4, 'postgres-replica-1');
      try {
        await eventually(async () => {
          for (const replicas of await replicaHealth()) {
            expect(replicas.find((replica) => replica.name === 'replica-1')).toMatchObject({
              inRotation: false,
            });
            expect(replicas.find((replica) => replica.name === 'replica-2')).toMatchObject({
              inRotation: true,
            });
          }
        }, 30_000);
        await sleep(1000);
      } finally {
        await stackStartService(4, 'postgres-replica-1');
      }
    });

    expect(statuses.length).toBeGreaterThan(20);
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
    await eventually(async () => {
      for (const replicas of await replicaHealth()) {
        expect(replicas.find((replica) => replica.name === 'replica-1')).toMatchObject({ inRotation: true });
      }
    }, 60_000);
  }, 180_000);

  it('When the cache Redis stops, then no read fails: the app answers from the database (X-Cache: bypass) until the cache is back', async () => {
    const token = await registerUser(stage.apiUrl());
    const article = await publish(stage.apiUrl(), token);
    const read = () => ask(stage.apiUrl(), `/articles/${article.slug}`, { headers: asUser(token) });
    const verdicts: (string | null)[] = [];

    const statuses = await underLoad(
      4,
      async () => {
        const answer = await read();
        verdicts.push(answer.appCache);
        return answer.status;
      },
      async () => {
        await sleep(500);
        await stackStopService(4, 'redis-cache');
        try {
          await sleep(3000);
        } finally {
          await stackStartService(4, 'redis-cache');
        }
      },
    );

    expect(statuses.length).toBeGreaterThan(20);
    expect(statuses.filter((status) => status >= 500)).toEqual([]);
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
    expect(verdicts).toContain('bypass');
    await eventually(async () => {
      const answers = [await read(), await read(), await read()];
      expect(answers.map((answer) => answer.appCache)).toEqual(['hit', 'hit', 'hit']);
    }, 30_000);
  }, 120_000);
});
