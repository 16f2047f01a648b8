import { setTimeout as sleep } from 'node:timers/promises';
import { loadPlan, stackStartService, stackStopService, stackUp } from '@scaling/stack';
import { useNativeStage } from '@scaling/testing';
import { describe, expect, it } from 'vitest';

const stage = useNativeStage(3);

/** Prometheus' address as the native plan gives it (the compose file's 127.0.0.1:9090). */
function prometheusUrl(): string {
  const prometheus = loadPlan(3).services.find((service) => service.kind === 'prometheus');
  const port = prometheus?.instances[0]?.ports[0]?.host;
  if (!port) throw new Error('Stage 3 runs no Prometheus: its compose file lost the prometheus service.');
  return `http://127.0.0.1:${port}`;
}

async function api<T>(path: string): Promise<T> {
  const response = await fetch(`${prometheusUrl()}${path}`, { signal: AbortSignal.timeout(5000) });
  expect(response.status, `GET ${path}`).toBe(200);
  return ((await response.json()) as { data: T }).data;
}

interface Target {
  labels: { job: string; instance: string };
  health: string;
  lastError: string;
}

const targets = () => api<{ activeTargets: Target[] }>('/api/v1/targets').then((data) => data.activeTargets);

async function query(promql: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const data = await api<{ result: { metric: Record<string, string>; value: [number, string] }[] }>(
    `/api/v1/query?query=${encodeURIComponent(promql)}`,
  );
  return data.result;
}

/** Repeats `check` until it stops throwing, or rethrows its last failure after `timeoutMs`. */
async function eventually<T>(check: () => Promise<T>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(1000);
    }
  }
}

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
    const seen = await eventually(async () => {
      const active = await targets();
      const down = active.filter((target) => target.health !== 'up');
      expect(down.map((target) => `${target.labels.instance}: ${target.lastError || target.health}`)).toEqual(
        [],
      );
      return active.map((target) => `${target.labels.job}:${target.labels.instance}`).sort();
    });
    expect(seen).toEqual(expected);
  });

  it('When the exporters are scraped, then each one reaches its server', async () => {
    for (const up of ['pg_up', 'pgbouncer_up', 'redis_up', 'nginx_up']) {
      const samples = await eventually(async () => {
        const result = await query(up);
        expect(result, up).toHaveLength(1);
        return result;
      });
      expect(samples[0]?.value[1], up).toBe('1');
    }
  });

  it('When requests go through nginx, then the recording rule of the request rate has a value for the app', async () => {
    const rate = await eventually(async () => {
      const response = await fetch(`${stage.apiUrl()}/tags`);
      expect(response.status).toBe(200);
      const result = await query('job:http_requests:rate1m{job="app"}');
      expect(result).toHaveLength(1);
      return Number(result[0]?.value[1]);
    }, 90_000);
    expect(rate).toBeGreaterThan(0);
  });

  it('When a replica stops, then the TargetDown alert names it, and it clears once the replica is back', async () => {
    await stackStopService(3, 'app.2');
    try {
      const alert = await eventually(async () => {
        const { alerts } = await api<{ alerts: { labels: Record<string, string>; state: string }[] }>(
          '/api/v1/alerts',
        );
        const down = alerts.filter((candidate) => candidate.labels.alertname === 'TargetDown');
        expect(down.map((candidate) => candidate.labels.instance)).toEqual(['app.2:9464']);
        return down[0];
      });
      expect(['pending', 'firing']).toContain(alert?.state);
    } finally {
      await stackStartService(3, 'app.2');
    }
    await eventually(async () => {
      const result = await query('up{instance="app.2:9464"}');
      expect(result[0]?.value[1]).toBe('1');
    });
  });

  it('When the replicas are scaled down to two, then Prometheus reloads its configuration and scrapes those two only', async () => {
    await stackUp(3, { scale: { app: 2 }, output: () => {} });
    const replicas = await eventually(async () => {
      const app = (await targets()).filter((target) => target.labels.job === 'app');
      expect(app.map((target) => target.labels.instance).sort()).toEqual(['app.1:9464', 'app.2:9464']);
      return app;
    });
    expect(replicas.every((target) => target.health !== 'down')).toBe(true);
  });
});
