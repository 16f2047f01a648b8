import { healthcheckUrl } from '../command.ts';
import { metricsContainerPort } from '../metrics-ports.ts';
import type { PlanContext, ReadinessProbe } from '../types.ts';

/**
 * The URL a compose healthcheck fetches, moved to where this instance listens natively: the healthcheck runs inside
 * the container, against the container port; natively the process owns a host port.
 */
export function healthcheckProbe(context: PlanContext): ReadinessProbe | null {
  const url = healthcheckUrl(context.service.healthcheck?.test);
  if (!url) return null;
  const containerPort = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const mapping = context.ports.find((port) => port.container === containerPort);
  url.hostname = '127.0.0.1';
  url.port = String(mapping?.host ?? containerPort);
  return { type: 'http', url: url.href };
}

/**
 * Without a URL to fetch, a listening port will do, and a process without ports must simply stay alive. The metrics
 * port says nothing about the service's own work, so it does not count.
 */
export function fallbackProbe(context: PlanContext): ReadinessProbe {
  const [listening] = context.ports.filter((port) => port.container !== metricsContainerPort);
  return listening ? { type: 'tcp', port: listening.host } : { type: 'started' };
}
