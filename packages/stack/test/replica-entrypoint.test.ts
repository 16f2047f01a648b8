import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { repoRoot } from '../src/index.ts';

// The replica entrypoint stages 4 and 5 mount, run here as the postgres image would run it (as root, with gosu on the PATH) against
// the test cluster: what Docker would do, without Docker.
const committedScript = join(repoRoot, 'docker', 'postgres', 'replica-entrypoint.sh');
// Offsets 3-8 beside the test cluster belong to the read-path and replicas tests, 1 to the standby helper's.
const standbyPort = Number(process.env.TEST_POSTGRES_PORT ?? 25432) + 2;
const slot = `entrypoint_${process.pid}`;
const primary = new URL(inject('databaseUrl'));

let root: string;

async function query<T>(url: string, sql: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  await client.connect();
  try {
    return (await client.query(sql, values)).rows as T[];
  } finally {
    await client.end();
  }
}

function runEntrypoint(dataDir: string, environment: Record<string, string> = {}): ChildProcess {
  const settings = ['-p', String(standbyPort), '-c', 'listen_addresses=127.0.0.1'];
  return spawn(
    '/bin/sh',
    [
      join(root, 'replica-entrypoint.sh'),
      'postgres',
      ...settings,
      '-c',
      `unix_socket_directories=${dataDir}`,
      '-c',
      'fsync=off',
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: root,
      env: {
        ...process.env,
        PATH: `${join(root, 'bin')}:/usr/lib/postgresql/15/bin:${process.env.PATH}`,
        PGDATA: dataDir,
        PRIMARY_HOST: primary.hostname,
        PRIMARY_PORT: primary.port,
        REPLICATION_USER: decodeURIComponent(primary.username),
        REPLICATION_PASSWORD: decodeURIComponent(primary.password),
        ...environment,
      },
    },
  );
}

/** What the script printed so far, and its exit code and whole output once it exits. */
function watch(child: ChildProcess): {
  printed: () => string;
  exited: Promise<{ code: number | null; output: string }>;
} {
  let output = '';
  const keep = (chunk: Buffer) => {
    output += chunk;
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return {
    printed: () => output,
    exited: new Promise((resolve) => child.once('exit', (code) => resolve({ code, output }))),
  };
}

const outcome = (child: ChildProcess) => watch(child).exited;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'replica-entrypoint-'));
  chmodSync(root, 0o755);
  mkdirSync(join(root, 'bin'));
  // The image's gosu: run the rest of the command line as that account.
  writeFileSync(
    join(root, 'bin', 'gosu'),
    '#!/bin/sh\naccount=$1\nshift\nexec setpriv --reuid="$account" --regid="$account" --init-groups -- "$@"\n',
    { mode: 0o755 },
  );
  // A copy the postgres account can read, as a mounted file is in the container: the checkout may sit in a 0700
  // folder, and the script runs itself again as postgres.
  copyFileSync(committedScript, join(root, 'replica-entrypoint.sh'));
  chmodSync(join(root, 'replica-entrypoint.sh'), 0o755);
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('The replica entrypoint of stage 4', () => {
  it('When its volume is empty, then it copies the primary over its own slot and runs postgres as a hot standby', async () => {
    const child = runEntrypoint(join(root, 'standby'), { REPLICATION_SLOT: slot });
    const { printed, exited } = watch(child);
    const standbyUrl = Object.assign(new URL(primary), { port: String(standbyPort) }).toString();
    try {
      const note = `entrypoint-${Date.now()}`;
      await query(primary.toString(), 'INSERT INTO tags (name) VALUES ($1)', [note]);
      const [{ lsn } = { lsn: '' }] = await query<{ lsn: string }>(
        primary.toString(),
        'SELECT pg_current_wal_lsn()::text AS lsn',
      );
      const deadline = Date.now() + 30_000;
      let replayed = false;
      while (!replayed && child.exitCode === null && Date.now() < deadline) {
        replayed = await query<{ replayed: boolean }>(
          standbyUrl,
          'SELECT coalesce(pg_last_wal_replay_lsn() >= $1::pg_lsn, false) AS replayed',
          [lsn],
        ).then(
          ([row]) => row?.replayed === true,
          () => false,
        );
        if (!replayed) await sleep(100);
      }
      expect(replayed, `The standby did not replay ${lsn}; the entrypoint printed:\n${printed()}`).toBe(true);
      expect(await query(standbyUrl, 'SELECT name FROM tags WHERE name = $1', [note])).toEqual([
        { name: note },
      ]);
      expect(await query(standbyUrl, 'SELECT pg_is_in_recovery() AS recovery')).toEqual([{ recovery: true }]);
      expect(
        await query(primary.toString(), 'SELECT active FROM pg_replication_slots WHERE slot_name = $1', [
          slot,
        ]),
      ).toEqual([{ active: true }]);
    } finally {
      child.kill('SIGINT');
      await exited;
      await query(primary.toString(), 'SELECT pg_drop_replication_slot($1)', [slot]).catch(() => {});
    }
  }, 60_000);

  it('When its volume holds data but no standby.signal, then it refuses and says to remove the volume', async () => {
    const dataDir = join(root, 'other-cluster');
    mkdirSync(dataDir);
    writeFileSync(join(dataDir, 'PG_VERSION'), '15\n');
    const { code, output } = await outcome(runEntrypoint(dataDir));
    expect(code).toBe(1);
    expect(output).toMatch(/holds data but no standby.signal.*remove the volume/);
  });

  it('When the primary cannot be reached, then it gives up after PRIMARY_WAIT_SECONDS saying what to check', async () => {
    // Port 1 on the loopback: nothing listens there, so every connection is refused.
    const { code, output } = await outcome(
      runEntrypoint(join(root, 'unreachable'), { PRIMARY_PORT: '1', PRIMARY_WAIT_SECONDS: '1' }),
    );
    expect(code).toBe(1);
    expect(output).toMatch(/could not copy the primary within 1 s: check that .* runs/);
  }, 30_000);

  it('When the replication password is missing, then it stops before doing anything and names the variable', async () => {
    const { code, output } = await outcome(
      runEntrypoint(join(root, 'no-password'), { REPLICATION_PASSWORD: '' }),
    );
    expect(code).not.toBe(0);
    expect(output).toMatch(/REPLICATION_PASSWORD/);
  });
});
