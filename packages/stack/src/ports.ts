import type { ComposeService } from './compose.ts';

export interface PortMapping {
  /** The port the process listens on inside its container. */
  container: number;
  /** The port published on the host: natively the process listens here. */
  host: number;
}

function toPort(value: string | number, service: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port <= 0 || port > 65_535) {
    throw new Error(
      `Service "${service}" publishes "${value}", which is not a single port: use "HOST:CONTAINER".`,
    );
  }
  return port;
}

/** Reads short ("[IP:]HOST:CONTAINER[/tcp]") and long ({ target, published }) port syntax. */
export function parsePorts(serviceName: string, service: ComposeService): PortMapping[] {
  return (service.ports ?? []).map((entry) => {
    if (typeof entry === 'object') {
      const container = toPort(entry.target, serviceName);
      return {
        container,
        host: entry.published === undefined ? container : toPort(entry.published, serviceName),
      };
    }
    const parts = String(entry)
      .replace(/\/(tcp|udp)$/, '')
      .split(':');
    const container = toPort(parts.at(-1) as string, serviceName);
    // A port without a host side gets a random host port in Docker; natively the process keeps its own.
    const host = parts.length >= 2 ? toPort(parts.at(-2) as string, serviceName) : container;
    return { container, host };
  });
}
