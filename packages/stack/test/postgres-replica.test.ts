import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type StackStatus,
  stackDown,
  stackKill,
  stackStatus,
  stackUp,
  stackWaitReady,
} from '../src/index.ts';
import { alive, fixtureStage, fixturesDir } from './support/fixture-stage.ts';

/** A primary on 15491 and its hot standby on 15492 (slot fixture_replica), both with stage 4's pg_hba.conf. */
const stage = fixtureStage(join(fixturesDir, 'replica', 'docker-compose.yml'), 'replica');
const primaryUrl = 'postgres://fixture:fixture-secret@127.0.0.1:15491/fixture';
const replicaUrl = 'postgres://fixture:fixture-secret@127.0.0.1:15492/fixture';

async function query<T>(url: string, sql: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, values)).rows as T[];
  } finally {
    await client.end();
  }
}

/** Writes a row on the primary and returns the WAL position its commit reached. */
async function writeOnPrimary(note: string): Promise<string> {
  await query(primaryUrl, 'CREATE TABLE IF NOT EXISTS notes (note text PRIMARY KEY)');
  await query(primaryUrl, 'INSERT INTO notes VALUES ($1)', [note]);
  const [row] = await query<{ lsn: string }>(primaryUrl, 'SELECT pg_current_wal_lsn()::text AS lsn');
  return row?.lsn as string;
}

async function replayedOnReplica(lsn: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await query<{ replayed: boolean }>(
      replicaUrl,
      'SELECT coalesce(pg_last_wal_replay_lsn() >= $1::pg_lsn, false) AS replayed',
      [lsn],
    );
    if (row?.replayed) return;
    if (Date.now() > deadline) throw new Error(`The replica did not replay ${lsn} within ${timeoutMs} ms.`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const notesOnReplica = async (note: string) =>
  (await query<{ note: string }>(replicaUrl, 'SELECT note FROM notes WHERE note = $1', [note])).map(
    (row) => row.note,
  );

describe('A postgres-replica service in the fixture stack', () => {
  const lines: string[] = [];
  const output = (line: string) => lines.push(line);
  let services: StackStatus[] = [];
  beforeAll(async () => {
    services = (await stackUp(stage, { output, readyTimeoutMs: 60_000 })).services;
  }, 120_000);
  afterAll(async () => {
    await stackDown(stage, { output, volumes: true });
    stage.remove();
  }, 60_000);

  it('When the stack is up, then the replica was copied from the primary and both are ready', () => {
    expect(services.map((row) => [row.instance, row.kind, row.state])).toEqual([
      ['primary', 'postgres', 'ready'],
      ['replica', 'postgres-replica', 'ready'],
    ]);
    expect(lines).toContain('replica: copying its primary at 127.0.0.1:15491 (pg_basebackup)...');
  });

  it('When a row is written on the primary, then the replica shows it after replay', async () => {
    const note = `streamed-${Date.now()}`;
    await replayedOnReplica(await writeOnPrimary(note));
    expect(await notesOnReplica(note)).toEqual([note]);
  });

  it('When a client writes on the replica, then it refuses as a hot standby in recovery', async () => {
    const [row] = await query<{ recovery: boolean }>(replicaUrl, 'SELECT pg_is_in_recovery() AS recovery');
    expect(row?.recovery).toBe(true);
    await expect(query(replicaUrl, 'CREATE TABLE intruder (id int)')).rejects.toMatchObject({
      code: '25006',
    });
  });

  it('When the replica streams, then it uses its slot on the primary, runs unprivileged and reads the mounted hba file', async () => {
    const slots = await query<{ slot_name: string; active: boolean }>(
      primaryUrl,
      'SELECT slot_name, active FROM pg_replication_slots',
    );
    expect(slots).toEqual([{ slot_name: 'fixture_replica', active: true }]);
    const replica = services.find((row) => row.instance === 'replica');
    const uid = /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${replica?.pid}/status`, 'utf8'))?.[1];
    expect(uid).not.toBe('0');
    const [hba] = await query<{ hba_file: string }>(replicaUrl, 'SHOW hba_file');
    expect(hba?.hba_file).toBe(
      join(stage.stateDir, 'services', 'replica', 'mounts', 'etc', 'postgresql', 'pg_hba.conf'),
    );
  });

  it('When the replica is killed, then its restart policy brings it back and it streams what it missed', async () => {
    await stackKill(stage, 'replica', { signal: 'SIGKILL', output });
    const note = `missed-${Date.now()}`;
    const lsn = await writeOnPrimary(note);
    await stackWaitReady(stage, 'replica', { output, readyTimeoutMs: 30_000 });
    await replayedOnReplica(lsn);
    expect(await notesOnReplica(note)).toEqual([note]);
  }, 60_000);

  it('When the stack comes up again over its volumes, then the replica keeps its copy and is not copied again', async () => {
    const note = `kept-${Date.now()}`;
    await replayedOnReplica(await writeOnPrimary(note));
    await stackDown(stage, { output });
    lines.length = 0;
    await stackUp(stage, { output, readyTimeoutMs: 60_000 });
    expect(lines.filter((line) => line.includes('pg_basebackup'))).toEqual([]);
    expect(await notesOnReplica(note)).toEqual([note]);
  }, 90_000);

  it('When the stack goes down, then no server of it is left', async () => {
    const pids = (await stackStatus(stage, { output })).flatMap((row) => [row.pid, row.supervisorPid]);
    await stackDown(stage, { output });
    expect(pids.filter(alive)).toEqual([]);
  }, 30_000);
});
