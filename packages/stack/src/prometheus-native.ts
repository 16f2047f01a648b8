import { parse, stringify } from 'yaml';
import { publishedPort } from './environment.ts';
import type { NativeConfigContext } from './native-config.ts';
import { copiedPathOf } from './volumes.ts';

interface StaticConfig {
  targets?: string[];
  labels?: Record<string, string>;
}

interface ScrapeConfig {
  job_name: string;
  static_configs?: StaticConfig[];
  dns_sd_configs?: { names?: string[]; type?: string; port?: number }[];
  [key: string]: unknown;
}

/**
 * Rewrites a mounted prometheus.yml for a native run: `<service>:<port>` targets to 127.0.0.1 and the service's
 * native port, a DNS name of a replicated service (`dns_sd_configs`, as under Docker) to one target per replica,
 * `localhost:<port>` to this Prometheus' own port, rule files to their copies in the instance's folder. Each target
 * keeps a readable `instance` label: the instance's name and the port it serves in its container (`app.2:9464`).
 */
export function nativePrometheusConfig(text: string, options: NativeConfigContext): string {
  const config = (parse(text) ?? {}) as { rule_files?: string[]; scrape_configs?: ScrapeConfig[] };
  if (config.rule_files) {
    config.rule_files = config.rule_files.map(
      (file) => copiedPathOf(file, options.mounts, options.directory) ?? file,
    );
  }
  config.scrape_configs = (config.scrape_configs ?? []).map((scrape) => {
    const { dns_sd_configs: dns, static_configs: statics, ...rest } = scrape;
    const fromDns = (dns ?? []).flatMap((entry) =>
      (entry.names ?? []).flatMap((name) => replicaTargets(name, entry.port ?? 80, rest.job_name, options)),
    );
    const fromStatic = (statics ?? []).flatMap((entry) =>
      (entry.targets ?? []).flatMap((target) =>
        targetsOf(target, rest.job_name, options).map((native) => ({
          ...native,
          labels: { ...entry.labels, ...native.labels },
        })),
      ),
    );
    return { ...rest, static_configs: [...fromStatic, ...fromDns] };
  });
  return stringify(config, { lineWidth: 0 });
}

function targetsOf(target: string, job: string, options: NativeConfigContext): StaticConfig[] {
  const at = target.lastIndexOf(':');
  const host = at === -1 ? target : target.slice(0, at);
  const port = at === -1 ? 80 : Number(target.slice(at + 1));
  if (host === 'localhost' || host === '127.0.0.1') {
    const own = options.ports.find((mapping) => mapping.container === port);
    return [
      { targets: [`127.0.0.1:${own?.host ?? port}`], labels: { instance: `${options.service}:${port}` } },
    ];
  }
  if ((options.replicaPorts.get(host)?.length ?? 0) > 1) return replicaTargets(host, port, job, options);
  if (!options.replicaPorts.has(host)) {
    throw new Error(
      `Job "${job}" of service "${options.service}" scrapes ${target}, but the compose file has no service "${host}": regenerate its prometheus.yml (pnpm stack prometheus <stage>).`,
    );
  }
  const native = publishedPort(options.published, host, port, options.service);
  return [{ targets: [`127.0.0.1:${native}`], labels: { instance: `${host}:${port}` } }];
}

function replicaTargets(
  name: string,
  port: number,
  job: string,
  options: NativeConfigContext,
): StaticConfig[] {
  const replicas = options.replicaPorts.get(name);
  if (!replicas) {
    throw new Error(
      `Job "${job}" of service "${options.service}" looks up "${name}", which the compose file does not define: regenerate its prometheus.yml (pnpm stack prometheus <stage>).`,
    );
  }
  return replicas.map((ports, index) => {
    const mapping = ports.find((candidate) => candidate.container === port);
    if (!mapping) {
      throw new Error(
        `Job "${job}" scrapes port ${port} of "${name}", which has no native port for it: add expose: ["${port}"] to "${name}".`,
      );
    }
    const instance = replicas.length === 1 ? name : `${name}.${index + 1}`;
    return { targets: [`127.0.0.1:${mapping.host}`], labels: { instance: `${instance}:${port}` } };
  });
}
