import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createMetricsRegistry, type MetricsServer, startMetricsServer } from '../src/index.ts';
import { promtoolProblems, sampleSum, scrape } from '../src/testing.ts';

const anyPort = { host: '127.0.0.1', port: 0 };

async function withServer(test: (server: MetricsServer) => Promise<void>): Promise<void> {
  const server = await startMetricsServer(createMetricsRegistry(), anyPort);
  try {
    await test(server);
  } finally {
    await server.close();
  }
}

describe('The metrics endpoint', () => {
  it('When Prometheus scrapes a new registry, then promtool accepts the text and it holds the process metrics', async () => {
    await withServer(async (server) => {
      const text = await scrape(server.url);

      expect(await promtoolProblems(text)).toEqual([]);
      for (const name of [
        'nodejs_eventloop_lag_p99_seconds',
        'nodejs_heap_size_used_bytes',
        'process_resident_memory_bytes',
      ]) {
        expect(sampleSum(text, name), name).toBeGreaterThan(0);
      }
      expect(text).toContain('# TYPE nodejs_gc_duration_seconds histogram');
    });
  });

  it('When text that is not Prometheus format is checked, then promtool refuses it', async () => {
    await expect(promtoolProblems('requests{method= 1\n')).rejects.toThrow(/could not parse/);
  });

  it('When another path or method is asked, then it answers 404 or 405 and no metrics', async () => {
    await withServer(async (server) => {
      const other = await fetch(server.url.replace('/metrics', '/api/tags'));
      const post = await fetch(server.url, { method: 'POST' });

      expect([other.status, post.status]).toEqual([404, 405]);
      expect(post.headers.get('allow')).toBe('GET');
    });
  });

  it('When the process reports its health, then GET /health answers 200 or 503 with the details as JSON', async () => {
    let healthy = true;
    const server = await startMetricsServer(createMetricsRegistry(), anyPort, {
      health: () => ({ healthy, details: { status: healthy ? 'ok' : 'stalled' } }),
    });
    try {
      const health = server.url.replace('/metrics', '/health');
      const ok = await fetch(health);
      healthy = false;
      const stalled = await fetch(health);

      expect([ok.status, await ok.json()]).toEqual([200, { status: 'ok' }]);
      expect([stalled.status, await stalled.json()]).toEqual([503, { status: 'stalled' }]);
    } finally {
      await server.close();
    }
  });

  it('When the metrics port is taken, then starting fails with a stable code and says to choose another METRICS_PORT', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const { port } = holder.address() as { port: number };
    try {
      const failure = startMetricsServer(createMetricsRegistry(), { host: '127.0.0.1', port });

      await expect(failure).rejects.toMatchObject({
        code: 'METRICS_LISTEN_FAILED',
        message: expect.stringMatching(/127\.0\.0\.1:\d+ \(EADDRINUSE\).*its own METRICS_PORT/),
      });
    } finally {
      holder.close();
    }
  });

  it('When the server closes while Prometheus holds a kept-alive connection, then it closes at once and frees the port', async () => {
    const server = await startMetricsServer(createMetricsRegistry(), anyPort);
    await scrape(server.url);

    await server.close();

    await expect(fetch(server.url)).rejects.toThrow();
  });
});
