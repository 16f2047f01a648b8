import { execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { asUnprivileged, unprivilegedUser } from './privileges.ts';

export const postgresBinDir = process.env.POSTGRES_BIN_DIR ?? '/usr/lib/postgresql/15/bin';

export interface PostgresCluster {
  dataDir: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

/** Creates the cluster's data directory once, with the same superuser and password the Docker image takes from its environment. */
export function initCluster(cluster: PostgresCluster): void {
  if (existsSync(join(cluster.dataDir, 'PG_VERSION'))) return;
  if (!existsSync(join(postgresBinDir, 'initdb'))) {
    throw new Error(
      `PostgreSQL 15 is not installed (no ${postgresBinDir}/initdb). Run 'make bootstrap' or 'apt-get install postgresql-15'.`,
    );
  }
  mkdirSync(cluster.dataDir, { recursive: true });
  const passwordFile = `${cluster.dataDir}.pwfile`;
  writeFileSync(passwordFile, cluster.password);
  const owner = unprivilegedUser();
  if (owner) {
    chownSync(cluster.dataDir, owner.uid, owner.gid);
    chownSync(passwordFile, owner.uid, owner.gid);
  }
  const [command, ...args] = asUnprivileged([
    join(postgresBinDir, 'initdb'),
    '--pgdata',
    cluster.dataDir,
    '--username',
    cluster.user,
    `--pwfile=${passwordFile}`,
    '--auth-local=trust',
    '--auth-host=scram-sha-256',
    '--encoding=UTF8',
    '--locale=C.UTF-8',
    '--no-instructions',
  ]);
  try {
    execFileSync(command as string, args, { stdio: 'pipe' });
  } finally {
    rmSync(passwordFile, { force: true });
  }
}

/** The command line that runs the server in the foreground; extra `-c name=value` settings come from the compose file. */
export function postgresCommand(cluster: PostgresCluster, settings: string[] = []): string[] {
  return asUnprivileged([
    join(postgresBinDir, 'postgres'),
    '-D',
    cluster.dataDir,
    '-p',
    String(cluster.port),
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    `unix_socket_directories=${cluster.dataDir}`,
    ...settings,
  ]);
}

export function superuserUrl(cluster: PostgresCluster, database = 'postgres'): string {
  return `postgres://${encodeURIComponent(cluster.user)}:${encodeURIComponent(cluster.password)}@127.0.0.1:${cluster.port}/${database}`;
}

/** One attempt: connects as the superuser and creates the application database if it is missing (as the image does). */
export async function ensureDatabase(cluster: PostgresCluster): Promise<void> {
  const client = new pg.Client({ connectionString: superuserUrl(cluster), connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [
      cluster.database,
    ]);
    if (rowCount === 0) await client.query(`CREATE DATABASE ${pg.escapeIdentifier(cluster.database)}`);
  } finally {
    await client.end().catch(() => {});
  }
}

/** Waits until the server accepts connections, then creates the application database if it is missing. */
export async function waitForPostgres(cluster: PostgresCluster, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      await ensureDatabase(cluster);
      return;
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  throw new Error(`PostgreSQL on port ${cluster.port} did not become ready within ${timeoutMs} ms.`, {
    cause: lastError,
  });
}

/** Starts a throwaway server as a child of this process: for tests, not for stacks. */
export async function startChildPostgres(cluster: PostgresCluster, settings: string[] = []) {
  initCluster(cluster);
  const [command, ...args] = postgresCommand(cluster, settings);
  const child = spawn(command as string, args, { stdio: ['ignore', 'ignore', 'pipe'] });
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
  };
}
