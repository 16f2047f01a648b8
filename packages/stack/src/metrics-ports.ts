import type { ComposeFile, ComposeService } from './compose.ts';
import type { PortMapping } from './ports.ts';

/** Where our Node services serve `GET /metrics` (env METRICS_PORT): `expose`d on the compose network, never published. */
export const metricsContainerPort = 9464;

/**
 * Natively every instance shares one host, so each needs a metrics port of its own: replica i (from 0) of the n-th
 * service (from 0, in file order) that exposes 9464 listens on this + 100 * n + i. A service's ports do not move
 * when another service is scaled, so `up --scale` restarts only the service it scales.
 */
export const nativeMetricsPortBase = 19464;
const portsPerService = 100;

export function exposesMetrics(service: ComposeService): boolean {
  return (service.expose ?? []).some(
    (port) => Number(String(port).replace(/\/tcp$/, '')) === metricsContainerPort,
  );
}

/** Each metrics-exposing service's metrics port per replica, in replica order. */
export function metricsPortsOf(
  compose: ComposeFile,
  replicas: Map<string, number>,
): Map<string, PortMapping[]> {
  const measured = Object.entries(compose.services).filter(([, service]) => exposesMetrics(service));
  return new Map(
    measured.map(([name], slot) => {
      const count = replicas.get(name) ?? 1;
      if (count > portsPerService) {
        throw new Error(
          `Service "${name}" runs ${count} replicas; natively each service has ${portsPerService} metrics ports: scale it to ${portsPerService} or fewer.`,
        );
      }
      return [
        name,
        Array.from({ length: count }, (_, index) => ({
          container: metricsContainerPort,
          host: nativeMetricsPortBase + portsPerService * slot + index,
        })),
      ];
    }),
  );
}
