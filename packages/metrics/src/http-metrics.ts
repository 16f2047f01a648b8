import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { Counter, Histogram, type Registry } from 'prom-client';
import { buckets } from './buckets.ts';
import { metricOnce } from './registry.ts';

/** The route label of a request no route matched (a 404): one series, whatever URL was asked for. */
export const unmatchedRoute = 'unmatched';

const labelNames = ['method', 'route', 'status_class'] as const;

function httpMetricFamilies(registry: Registry) {
  return {
    requests: metricOnce(
      registry,
      'http_requests_total',
      () =>
        new Counter({
          name: 'http_requests_total',
          help: 'HTTP requests answered, by method, route pattern and status class.',
          labelNames,
          registers: [registry],
        }),
    ),
    duration: metricOnce(
      registry,
      'http_request_duration_seconds',
      () =>
        new Histogram({
          name: 'http_request_duration_seconds',
          help: 'Time from receiving an HTTP request to sending its response, by method, route pattern and status class.',
          labelNames,
          buckets: [...buckets.httpRequest],
          registers: [registry],
        }),
    ),
    errors: metricOnce(
      registry,
      'http_request_errors_total',
      () =>
        new Counter({
          name: 'http_request_errors_total',
          help: 'HTTP requests that failed: answered with a 5xx (reason "server_error") or abandoned by the client before the answer (reason "aborted").',
          labelNames: ['method', 'route', 'reason'],
          registers: [registry],
        }),
    ),
  };
}

/**
 * Labels stay bounded whatever clients send: the route is the pattern (`/api/articles/:slug`), never the URL,
 * and Node's parser refuses methods it does not know before Fastify sees them.
 */
function routeLabels(request: FastifyRequest) {
  return { method: request.method, route: request.routeOptions.url ?? unmatchedRoute };
}

async function httpMetrics(app: FastifyInstance, options: { registry: Registry }): Promise<void> {
  const families = httpMetricFamilies(options.registry);
  app.addHook('onResponse', async (request, reply) => {
    const labels = { ...routeLabels(request), status_class: `${Math.floor(reply.statusCode / 100)}xx` };
    families.requests.inc(labels);
    // reply.elapsedTime runs from the moment Fastify received the request, so no hook of ours has to time it.
    families.duration.observe(labels, reply.elapsedTime / 1000);
    if (reply.statusCode >= 500) families.errors.inc({ ...routeLabels(request), reason: 'server_error' });
  });
  app.addHook('onRequestAbort', async (request) => {
    families.errors.inc({ ...routeLabels(request), reason: 'aborted' });
  });
}

/** Rate, errors and duration of every HTTP request the app answers, into the process's registry. */
export const httpMetricsPlugin = fp(httpMetrics, { name: 'http-metrics', fastify: '5.x' });
