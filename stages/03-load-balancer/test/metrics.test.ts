import { promtoolProblems, sampleSum, scrape } from '@scaling/metrics/testing';
import { loadPlan } from '@scaling/stack';
import { describe, expect, it } from 'vitest';
import { useStage3 } from './support/booted-stage.ts';

const stage = useStage3();

/** Every Node instance of the native plan (the replicas and the worker) and where it serves its metrics. */
function metricsEndpoints(): { instance: string; url: string }[] {
  return loadPlan(3)
    .services.filter((service) => service.kind === 'node')
    .flatMap((service) => service.instances)
    .filter((instance) => instance.env.METRICS_PORT !== undefined)
    .map((instance) => ({
      instance: instance.name,
      url: `http://${instance.env.HOST}:${instance.env.METRICS_PORT}/metrics`,
    }));
}

const replicaEndpoints = () => metricsEndpoints().filter(({ instance }) => instance.startsWith('app.'));

describe('Stage 3: metrics of every Node process', () => {
  it('When stage 3 runs natively, then each replica and the worker serve /metrics on a port of its own that promtool accepts, and nginx does not', async () => {
    const endpoints = metricsEndpoints();

    expect(endpoints.map(({ instance }) => instance)).toEqual(
      expect.arrayContaining(['app.1', 'app.2', 'worker']),
    );
    expect(new Set(endpoints.map(({ url }) => url)).size).toBe(endpoints.length);
    for (const { instance, url } of endpoints) {
      const text = await scrape(url);
      expect(await promtoolProblems(text), instance).toEqual([]);
      expect(sampleSum(text, 'pg_pool_max_clients', { pool: 'primary' }), instance).toBeGreaterThan(0);
    }
    expect((await fetch(new URL('/metrics', stage.apiUrl()))).status).toBe(404);
  });

  it('When N requests go through nginx, then the replicas count N more for that route between them, and the worker reports the queue', async () => {
    const tags = { method: 'GET', route: '/api/tags', status_class: '2xx' };
    const countAll = async () => {
      const texts = await Promise.all(replicaEndpoints().map(({ url }) => scrape(url)));
      return texts.reduce((sum, text) => sum + sampleSum(text, 'http_requests_total', tags), 0);
    };
    const before = await countAll();

    for (let sent = 0; sent < 12; sent += 1) {
      expect((await fetch(`${stage.apiUrl()}/tags`)).status).toBe(200);
    }
    const after = await countAll();
    const worker = metricsEndpoints().find(({ instance }) => instance === 'worker');
    const workerText = await scrape(worker?.url ?? 'the worker has no metrics port');

    expect(after - before).toBe(12);
    expect(workerText).toMatch(/^jobs_queue_depth\{kind="notify-followers"\} \d+$/m);
  });
});
