import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Registry } from 'prom-client';
import { httpMetricsPlugin } from './http-metrics.ts';
import { type MetricsListen, type MetricsServer, startMetricsServer } from './metrics-server.ts';

export interface MetricsOptions {
  /** The process's registry (`createMetricsRegistry`): the app's HTTP metrics go in, every client adds its own. */
  registry: Registry;
  /** Where `GET /metrics` is served, apart from the API's port; a test that reads the registry itself leaves it out. */
  listen?: MetricsListen;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Where this app's metrics are scraped, once it is ready and when it serves them. */
    metricsUrl: string | undefined;
  }
}

/**
 * Measures the app's HTTP requests and serves the registry on its own port from the moment the app is ready
 * (a port that cannot be bound stops the boot with what to change) until it closes, after its last request.
 */
async function metrics(app: FastifyInstance, options: MetricsOptions): Promise<void> {
  await app.register(httpMetricsPlugin, { registry: options.registry });
  app.decorate('metricsUrl', undefined);
  const { listen } = options;
  if (!listen) return;
  let server: MetricsServer | undefined;
  app.addHook('onReady', async () => {
    server = await startMetricsServer(options.registry, listen);
    app.metricsUrl = server.url;
    app.log.info({ metricsUrl: server.url }, 'Serving metrics for Prometheus.');
  });
  app.addHook('onClose', async () => {
    await server?.close();
  });
}

export const metricsPlugin = fp(metrics, { name: 'metrics', fastify: '5.x' });
