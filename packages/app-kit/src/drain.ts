import type { ShutdownLogger } from './graceful.ts';

/** Flipped once, on SIGTERM: conduit's readiness route and response headers read it. */
export interface DrainSwitch {
  isDraining(): boolean;
  start(): void;
}

export function createDrainSwitch(): DrainSwitch {
  let draining = false;
  return {
    isDraining: () => draining,
    start() {
      draining = true;
    },
  };
}

/** What draining needs of a Fastify app: its logger, and close (stop listening, finish in flight, close clients). */
export interface DrainableServer {
  log: ShutdownLogger;
  close(): PromiseLike<unknown>;
}

/**
 * A replica's shutdown behind a balancer: readiness fails at once (/api/ready 503) while requests are still
 * served, each response closing its connection, so the balancer's kept-alive connections to this replica turn
 * over instead of being cut. After `delayMs` the server stops listening (new connections are refused and the
 * balancer retries them on another replica), finishes the requests in flight, then closes its clients.
 */
export async function drainAndClose(
  app: DrainableServer,
  drain: DrainSwitch,
  delayMs: number,
): Promise<void> {
  drain.start();
  app.log.info({ delayMs }, 'Draining: readiness fails now; the server stops listening after the delay.');
  await new Promise((resolve) => setTimeout(resolve, delayMs));
  await app.close();
}
