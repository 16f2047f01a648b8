import { spawn } from 'node:child_process';
import { dirname } from 'node:path';
import {
  initCluster,
  type PostgresCluster,
  postgresCommand,
  superuserUrl,
  waitForPostgres,
} from '@scaling/stack';

export interface ChildPostgres {
  /** The superuser's connection string to `database` (the cluster's own by default). */
  url(database?: string): string;
  /** Stops the server (fast shutdown) and waits until it has exited. */
  stop(): Promise<void>;
  /** SIGKILL to the postmaster, as a crash: its backends notice and exit; the next start runs crash recovery. */
  kill(): Promise<void>;
}

/**
 * A throwaway PostgreSQL 15 as a child of this process, for tests: initdb once into `cluster.dataDir` (as the
 * unprivileged account when root, like the native runner), extra `-c name=value` settings passed on.
 */
export async function startChildPostgres(
  cluster: PostgresCluster,
  settings: string[] = [],
): Promise<ChildPostgres> {
  initCluster(cluster);
  const [command, ...args] = postgresCommand(cluster, settings);
  // The server runs as another account when root: a working folder it can enter, not the checkout.
  const child = spawn(command as string, args, {
    stdio: ['ignore', 'ignore', 'pipe'],
    cwd: dirname(cluster.dataDir),
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await Promise.race([
      waitForPostgres(cluster),
      exited.then(() => {
        throw new Error(`PostgreSQL exited during start-up:\n${stderr}`);
      }),
    ]);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    url: (database = cluster.database) => superuserUrl(cluster, database),
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGINT');
      await exited;
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}
