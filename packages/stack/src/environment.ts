import type { ComposeService } from './compose.ts';
import type { PortMapping } from './ports.ts';

export function composeEnvironment(service: ComposeService): Record<string, string> {
  const entries = Array.isArray(service.environment)
    ? service.environment.map((line) => {
        const at = line.indexOf('=');
        return at === -1 ? [line, ''] : [line.slice(0, at), line.slice(at + 1)];
      })
    : Object.entries(service.environment ?? {}).map(([key, value]) => [
        key,
        value === null ? '' : String(value),
      ]);
  return Object.fromEntries(entries);
}

/** The environment a native instance gets: `environment`, then `x-native-environment` over it (Docker ignores that key). */
export function nativeEnvironment(service: ComposeService): Record<string, string> {
  const overrides = Object.entries(service['x-native-environment'] ?? {}).map(([key, value]) => [
    key,
    value === null ? '' : String(value),
  ]);
  return { ...composeEnvironment(service), ...Object.fromEntries(overrides) };
}

/**
 * Rewrites every `<service>:<containerPort>` (as in `postgres://u:p@postgres:5432/db` or `http://app:8080`) to
 * `127.0.0.1:<published port>`, because native processes reach each other through the host's published ports.
 */
export function rewriteAddresses(
  value: string,
  publishedPorts: Map<string, PortMapping[]>,
  referrer: string,
  replicated: ReadonlySet<string> = new Set(),
): string {
  const names = [...publishedPorts.keys(), ...replicated]
    .sort((a, b) => b.length - a.length)
    .map(escapeRegExp);
  if (names.length === 0) return value;
  // Not preceded by a name character, and the digits not followed by "@" (that would be a user:password).
  const pattern = new RegExp(`(?<![\\w.-])(${names.join('|')}):(\\d{1,5})(?![\\d@])`, 'g');
  return value.replace(
    pattern,
    (_match, service: string, port: string) =>
      `127.0.0.1:${publishedPort(publishedPorts, service, Number(port), referrer, replicated)}`,
  );
}

/** The host port where `<service>:<containerPort>` is reachable natively. */
export function publishedPort(
  publishedPorts: Map<string, PortMapping[]>,
  service: string,
  containerPort: number,
  referrer: string,
  replicated: ReadonlySet<string> = new Set(),
): number {
  if (replicated.has(service)) {
    throw new Error(
      `Service "${referrer}" reaches ${service}:${containerPort}, but "${service}" runs several replicas natively, each on a port of its own: reach them through a balancer (an nginx upstream).`,
    );
  }
  const mapping = publishedPorts.get(service)?.find((candidate) => candidate.container === containerPort);
  if (!mapping) {
    throw new Error(
      `Service "${referrer}" reaches ${service}:${containerPort}, but "${service}" has no native port for ${containerPort}: give it expose: ["${containerPort}"] and x-native-port: <host port> (or ports: ["<host>:${containerPort}"] if it is the entry point).`,
    );
  }
  return mapping.host;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
}
