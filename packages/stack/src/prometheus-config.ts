import { stringify } from 'yaml';
import type { ComposeFile, ComposeService } from './compose.ts';
import { exposesMetrics, metricsContainerPort } from './metrics-ports.ts';
import { parsePorts } from './ports.ts';

/** Where the compose files mount the generated files into prom/prometheus. */
export const prometheusConfigPath = '/etc/prometheus/prometheus.yml';
export const prometheusRulesPath = '/etc/prometheus/rules.yml';
export const prometheusPort = 9090;

/** What Prometheus scrapes, read from the topology: one job per service that serves metrics. */
export interface ScrapeJob {
  job: string;
  /** What serves the metrics: our Node services, or the image's program (`postgres-exporter`, `zipkin`, ...). */
  source: string;
  /** The compose service to reach (Prometheus itself: localhost). */
  host: string;
  port: number;
  path: string;
  /** Our Node services: every container behind the service's name is a target, however many `--scale` starts. */
  everyReplica: boolean;
}

/** The standard exporters, the Prometheus and Zipkin images: the port each serves its metrics on. */
const imageMetrics: { source: string; image: RegExp; port: number; path: string }[] = [
  { source: 'postgres-exporter', image: /(^|\/)postgres-exporter(:|@|$)/, port: 9187, path: '/metrics' },
  { source: 'pgbouncer-exporter', image: /(^|\/)pgbouncer-exporter(:|@|$)/, port: 9127, path: '/metrics' },
  { source: 'redis-exporter', image: /(^|\/)redis_exporter(:|@|$)/, port: 9121, path: '/metrics' },
  { source: 'nginx-exporter', image: /(^|\/)nginx-prometheus-exporter(:|@|$)/, port: 9113, path: '/metrics' },
  { source: 'zipkin', image: /(^|\/)zipkin(:|@|$)/, port: 9411, path: '/prometheus' },
  { source: 'prometheus', image: /(^|\/)prometheus(:|@|$)/, port: prometheusPort, path: '/metrics' },
];

/** The port a service listens on inside its container: the image's, unless its compose entry names only others. */
function servicePort(name: string, service: ComposeService, imagePort: number): number {
  const ports = [
    ...(service.expose ?? []).map((port) => Number(String(port).replace(/\/tcp$/, ''))),
    ...parsePorts(name, service).map((port) => port.container),
  ];
  return ports.includes(imagePort) ? imagePort : (ports[0] ?? imagePort);
}

export function scrapeJobs(compose: ComposeFile): ScrapeJob[] {
  return Object.entries(compose.services).flatMap(([name, service]): ScrapeJob[] => {
    if (exposesMetrics(service)) {
      return [
        {
          job: name,
          source: 'node',
          host: name,
          port: metricsContainerPort,
          path: '/metrics',
          everyReplica: true,
        },
      ];
    }
    const known = imageMetrics.find((candidate) => candidate.image.test(service.image ?? ''));
    if (!known) return [];
    return [
      {
        job: name,
        source: known.source,
        host: known.source === 'prometheus' ? 'localhost' : name,
        port: servicePort(name, service, known.port),
        path: known.path,
        everyReplica: false,
      },
    ];
  });
}

/**
 * The Prometheus configuration of a stage under Docker, generated from its compose file (`pnpm stack prometheus <stage>`
 * writes it to config/prometheus.yml). Replicas are found through Docker's DNS, which answers a service's name with
 * every container's address.
 */
export function composePrometheusConfig(compose: ComposeFile, stageName: string): string {
  const stageNumber = Number.parseInt(stageName, 10);
  const config = {
    global: { scrape_interval: '5s', scrape_timeout: '4s', evaluation_interval: '5s' },
    rule_files: [prometheusRulesPath],
    scrape_configs: scrapeJobs(compose).map((job) => ({
      job_name: job.job,
      ...(job.path === '/metrics' ? {} : { metrics_path: job.path }),
      ...(job.everyReplica
        ? { dns_sd_configs: [{ names: [job.host], type: 'A', port: job.port, refresh_interval: '5s' }] }
        : { static_configs: [{ targets: [`${job.host}:${job.port}`] }] }),
    })),
  };
  return [
    `# Generated from docker-compose.yml by \`pnpm stack prometheus ${stageNumber}\`: change the compose file, then run it again.`,
    "# Natively the runner rewrites the targets to 127.0.0.1 and each instance's own port (packages/stack/README.md).",
    stringify(config, { lineWidth: 0 }),
  ].join('\n');
}
