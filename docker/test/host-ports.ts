import { createServer } from 'node:net';
import type { ResolvedService } from './compose-stack.ts';

/** Whether this host can bind the address now: the engine's proxy for a published port needs exactly that. */
function canBind(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * Fails at once, naming the ports, when something on the host (a native stage left running, most often) holds a
 * port the compose file publishes: otherwise `up` fails minutes later, halfway through starting the stack.
 */
export async function assertPublishedPortsFree(services: Record<string, ResolvedService>): Promise<void> {
  const busy: string[] = [];
  for (const [name, service] of Object.entries(services)) {
    for (const port of service.ports ?? []) {
      if (!port.published) continue;
      const host = port.host_ip ?? '0.0.0.0';
      if (!(await canBind(host, Number(port.published)))) busy.push(`${host}:${port.published} (${name})`);
    }
  }
  if (busy.length > 0) {
    throw new Error(
      `Ports this stack publishes are in use on the host: ${busy.join(', ')}. Stop what holds them (a native stage: 'make down STAGE=<n>'; see 'ss -ltnp') and run again.`,
    );
  }
}
