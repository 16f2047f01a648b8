import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

const fixture = new URL('../fixtures/replica-process.ts', import.meta.url).pathname;

export interface ReplicaProcess {
  /** host:port of its /metrics, as Prometheus names the target's instance. */
  address: string;
  stop(): Promise<void>;
}

export interface ReplicaProcessOptions {
  /** The share of each 100 ms it spins on a CPU (0: idle). */
  busyFraction?: number;
  /** Reports this database's job queue, as a worker does. */
  databaseUrl?: string;
}

/** A real Node process serving a replica's metrics (fixtures/replica-process.ts); resolves once it listens. */
export async function startReplicaProcess(options: ReplicaProcessOptions = {}): Promise<ReplicaProcess> {
  const child: ChildProcess = spawn(process.execPath, [fixture], {
    env: {
      ...process.env,
      BUSY_FRACTION: String(options.busyFraction ?? 0),
      DATABASE_URL: options.databaseUrl ?? '',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    await once(child, 'exit');
  };
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const first = await Promise.race([
    once(lines, 'line').then(([line]) => String(line)),
    once(child, 'exit').then(() => undefined),
    new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 15_000).unref()),
  ]);
  if (!first) {
    await stop();
    throw new Error(
      `The replica fixture did not report its metrics address within 15 s: run ${fixture} to see why.`,
    );
  }
  const { metricsUrl } = JSON.parse(first) as { metricsUrl: string };
  return { address: new URL(metricsUrl).host, stop };
}
