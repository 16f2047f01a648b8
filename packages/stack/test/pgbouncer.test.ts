import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { stackDown, stackStatus } from '../src/index.ts';
import { fixtureStackDuringTests } from './support/fixture-stack.ts';
import { alive, fixtureStage, fixturesDir } from './support/fixture-stage.ts';

/** Postgres on 15498, PgBouncer on 16498 (transaction pooling, 2 backends), a worker without ports. */
const stage = fixtureStage(join(fixturesDir, 'pgbouncer', 'docker-compose.yml'), 'pgbouncer');
const quiet = { output: () => {} };
const throughPooler = 'postgres://fixture:fixture-secret@127.0.0.1:16498/fixture';

async function query<T>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

describe('PgBouncer in the fixture stack', () => {
  const services = fixtureStackDuringTests(stage);

  it('When the stack is up, then PgBouncer and the portless worker are ready', () => {
    expect(services().map((row) => [row.instance, row.kind, row.state])).toEqual([
      ['db', 'postgres', 'ready'],
      ['pooler', 'pgbouncer', 'ready'],
      ['worker', 'node', 'ready'],
    ]);
  });

  it('When a query goes to the published PgBouncer port, then the fixture Postgres answers it', async () => {
    const [row] = await query<{ database: string; port: number }>(
      throughPooler,
      'SELECT current_database() AS database, inet_server_port() AS port',
    );
    expect(row).toEqual({ database: 'fixture', port: 15498 });
  });

  it('When PgBouncer runs, then it is not root and keeps its rewritten configuration and generated userlist in the stage state', async () => {
    const pooler = services().find((row) => row.instance === 'pooler');
    const uid = /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pooler?.pid}/status`, 'utf8'))?.[1];
    expect(uid).not.toBe('0');
    const ini = readFileSync(join(stage.stateDir, 'services', 'pooler', 'pgbouncer.ini'), 'utf8');
    expect(ini).toContain('fixture = host=127.0.0.1 port=15498 dbname=fixture');
    expect(ini).toContain(`pidfile = ${join(stage.stateDir, 'services', 'pooler', 'pgbouncer.pid')}`);
    const userlist = join(stage.stateDir, 'services', 'pooler', 'mounts', 'etc', 'pgbouncer', 'userlist.txt');
    expect(ini).toContain(`auth_file = ${userlist}`);
    expect(readFileSync(userlist, 'utf8')).toBe('"fixture" "fixture-secret"\n');
    expect(statSync(userlist).mode & 0o777).toBe(0o600);
  });

  it('When the stack goes down, then PgBouncer and its supervisor are gone', async () => {
    const pids = (await stackStatus(stage, quiet)).flatMap((row) => [row.pid, row.supervisorPid]);
    await stackDown(stage, quiet);
    expect(pids.filter(alive)).toEqual([]);
    await expect(query(throughPooler, 'SELECT 1')).rejects.toThrow();
  }, 30_000);
});
