import { setTimeout as sleep } from 'node:timers/promises';
import { promtoolProblems, sampleSum, scrape } from '@scaling/metrics/testing';
import { loadPlan, stackStartService, stackStopService } from '@scaling/stack';
import { ask, asUser, eventually, publish, registerUser, stagePrometheus, underLoad } from '@scaling/testing';
import { describe, expect, it } from 'vitest';
import { useStage4 } from './support/booted-stage.ts';

const stage = useStage4();

interface ReplicaHealth {
  name: string;
  inRotation: boolean;
  lagSeconds: number | null;
  reason?: string;
}

/** Where each app replica serves /metrics natively. */
const replicaMetrics = () =>
  loadPlan(4)
    .services.filter((service) => service.name === 'app')
    .flatMap((service) => service.instances)
    .map((instance) => `http://${instance.env.HOST}:${instance.env.METRICS_PORT}/metrics`);

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
    expect(await eventually(() => stagePrometheus(4).upTargets())).toEqual(expected);
  });

  it('When signed-in users read, then each app replica serves metrics promtool accepts, counting cache results and reporting both read replicas in rotation', async () => {
    const token = await registerUser(stage.apiUrl());
    const article = await publish(stage.apiUrl(), token);
    for (let index = 0; index < 6; index += 1) {
      expect(
        (await ask(stage.apiUrl(), `/articles/${article.slug}`, { headers: asUser(token) })).status,
      ).toBe(200);
    }

    const texts = await Promise.all(replicaMetrics().map((url) => scrape(url)));
    for (const text of texts) expect(await promtoolProblems(text)).toEqual([]);
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
        await eventually(
          async () => {
            for (const replicas of await replicaHealth()) {
              expect(replicas.find((replica) => replica.name === 'replica-1')).toMatchObject({
                inRotation: false,
              });
              expect(replicas.find((replica) => replica.name === 'replica-2')).toMatchObject({
                inRotation: true,
              });
            }
          },
          { timeoutMs: 30_000 },
        );
        await sleep(1000);
      } finally {
        await stackStartService(4, 'postgres-replica-1');
      }
    });

    expect(statuses.length).toBeGreaterThan(20);
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
    await eventually(
      async () => {
        for (const replicas of await replicaHealth()) {
          expect(replicas.find((replica) => replica.name === 'replica-1')).toMatchObject({
            inRotation: true,
          });
        }
      },
      { timeoutMs: 60_000 },
    );
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
    await eventually(
      async () => {
        const answers = [await read(), await read(), await read()];
        expect(answers.map((answer) => answer.appCache)).toEqual(['hit', 'hit', 'hit']);
      },
      { timeoutMs: 30_000 },
    );
  }, 120_000);
});
