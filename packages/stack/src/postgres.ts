import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
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
    // initdb as the service account fails in a working folder it cannot enter (a checkout in root's home).
    execFileSync(command as string, args, { stdio: 'pipe', cwd: dirname(cluster.dataDir) });
  } catch (error) {
    const stderr = String((error as { stderr?: Buffer }).stderr ?? '').trim();
    throw new Error(
      `initdb could not create ${cluster.dataDir}${stderr ? `: ${stderr}` : ''}. The postgres account must be able to enter every folder above it (chmod o+x) and write in its parent.`,
      { cause: error },
    );
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
  return `postgres://${encodeURIComponent(cluster.user)}:${encodeURIComponent(cluster.password)}@127.0.0.1:${cluster.port}/${encodeURIComponent(database)}`;
}

/**
 * One attempt: connects as the superuser and creates the application database if it is missing (as the image
 * does). A data directory made with another POSTGRES_PASSWORD (the image reads it at initdb only) gets the current
 * one, over the local socket where the superuser is trusted: natively the environment stays the one source.
 */
export async function ensureDatabase(cluster: PostgresCluster): Promise<void> {
  const connect = async () => {
    const client = new pg.Client({ connectionString: superuserUrl(cluster), connectionTimeoutMillis: 2000 });
    await client.connect();
    return client;
  };
  const client = await connect().catch(async (error: { code?: string }) => {
    if (error.code !== '28P01') throw error;
    await resetSuperuserPassword(cluster);
    return connect();
  });
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [
      cluster.database,
    ]);
    if (rowCount === 0) await client.query(`CREATE DATABASE ${pg.escapeIdentifier(cluster.database)}`);
  } finally {
    await client.end().catch(() => {});
  }
}

async function resetSuperuserPassword(cluster: PostgresCluster): Promise<void> {
  const local = new pg.Client({
    host: cluster.dataDir,
    port: cluster.port,
    user: cluster.user,
    database: 'postgres',
    connectionTimeoutMillis: 2000,
  });
  await local.connect();
  try {
    await local.query(
      `ALTER ROLE ${local.escapeIdentifier(cluster.user)} PASSWORD ${local.escapeLiteral(cluster.password)}`,
    );
  } finally {
    await local.end().catch(() => {});
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
