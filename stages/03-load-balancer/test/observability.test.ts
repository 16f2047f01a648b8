import { stackStartService, stackStopService, stackUp } from '@scaling/stack';
import { eventually, stagePrometheus } from '@scaling/testing';
import { describe, expect, it } from 'vitest';
import { useStage3 } from './support/booted-stage.ts';

const stage = useStage3();

const prometheus = () => stagePrometheus(3);
/** Prometheus scrapes every 5 s: once a second is often enough to ask. */
const slowly = { intervalMs: 1000 };

describe('stage 3 observed by Prometheus', () => {
  it('When stage 3 runs natively, then Prometheus scrapes every replica, the worker, every exporter, itself and Zipkin, and every target is up', async () => {
    const expected = [
      'app:app.1:9464',
      'app:app.2:9464',
      'app:app.3:9464',
      'nginx-exporter:nginx-exporter:9113',
      'pgbouncer-exporter:pgbouncer-exporter:9127',
      'postgres-exporter:postgres-exporter:9187',
      'prometheus:prometheus:9090',
      'redis-exporter:redis-exporter:9121',
      'worker:worker:9464',
      'zipkin:zipkin:9411',
    ];
    expect(await eventually(() => prometheus().upTargets(), slowly)).toEqual(expected);
  });

  it('When the exporters are scraped, then each one reaches its server', async () => {
    for (const up of ['pg_up', 'pgbouncer_up', 'redis_up', 'nginx_up']) {
      const samples = await eventually(async () => {
        const result = await prometheus().query(up);
        expect(result, up).toHaveLength(1);
        return result;
      }, slowly);
      expect(samples[0]?.value[1], up).toBe('1');
    }
  });

  it('When requests go through nginx, then the recording rule of the request rate has a value for the app', async () => {
    await eventually(
      async () => {
        const response = await fetch(`${stage.apiUrl()}/tags`);
        expect(response.status).toBe(200);
        const result = await prometheus().query('job:http_requests:rate1m{job="app"}');
        expect(result).toHaveLength(1);
        // The rule can first evaluate over scrapes taken before any request counted (a rate of 0): ask again.
        expect(Number(result[0]?.value[1])).toBeGreaterThan(0);
      },
      { ...slowly, timeoutMs: 90_000 },
    );
  });

  it('When a replica stops, then the TargetDown alert names it, and it clears once the replica is back', async () => {
    await stackStopService(3, 'app.2');
    try {
      const alert = await eventually(async () => {
        const { alerts } = await prometheus().api<{
          alerts: { labels: Record<string, string>; state: string }[];
        }>('/api/v1/alerts');
        const down = alerts.filter((candidate) => candidate.labels.alertname === 'TargetDown');
        expect(down.map((candidate) => candidate.labels.instance)).toEqual(['app.2:9464']);
        return down[0];
      }, slowly);
      expect(['pending', 'firing']).toContain(alert?.state);
    } finally {
      await stackStartService(3, 'app.2');
    }
    await eventually(async () => {
      const result = await prometheus().query('up{instance="app.2:9464"}');
      expect(result[0]?.value[1]).toBe('1');
    }, slowly);
  });

  it('When the replicas are scaled down to two and back to three, then Prometheus reloads its configuration each time and scrapes just those', async () => {
    const scrapedReplicas = (expected: string[]) =>
      eventually(async () => {
        const app = (await prometheus().targets()).filter((target) => target.labels.job === 'app');
        expect(app.map((target) => target.labels.instance).sort()).toEqual(expected);
        return app;
      }, slowly);

    await stackUp(3, { scale: { app: 2 }, output: () => {} });
    try {
      const two = await scrapedReplicas(['app.1:9464', 'app.2:9464']);
      expect(two.every((target) => target.health !== 'down')).toBe(true);
    } finally {
      // The boot is shared with the next files, which expect the stage's three replicas.
      await stackUp(3, { scale: { app: 3 }, output: () => {} });
    }
    await scrapedReplicas(['app.1:9464', 'app.2:9464', 'app.3:9464']);
  }, 60_000);
});
