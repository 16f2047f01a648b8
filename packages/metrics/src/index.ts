// The metric types every package builds its own from, so that only this package depends on prom-client.
export { Counter, Gauge, Histogram } from 'prom-client';
export { buckets } from './buckets.ts';
export { httpMetricsPlugin, unmatchedRoute } from './http-metrics.ts';
export { type MetricsOptions, metricsPlugin } from './metrics-plugin.ts';
export {
  type HealthReport,
  type MetricsListen,
  type MetricsServer,
  type MetricsServerOptions,
  startMetricsServer,
} from './metrics-server.ts';
export { createMetricsRegistry, metricOnce, type Registry } from './registry.ts';
export { type ScrapedGaugeOptions, type ScrapedSamples, scrapedGauge } from './scraped-gauge.ts';
