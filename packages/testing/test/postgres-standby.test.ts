import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Standby, startStandby, uniqueSuffix } from '../src/index.ts';

// Offsets 3-8 beside the test cluster belong to the read-path and replicas tests, 2 to the replica entrypoint's.
const standbyPort = Number(process.env.TEST_POSTGRES_PORT ?? 25432) + 1;

async function query<T>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as T[];
  } finally {
    await client.end();
  }
}

async function insertTag(name: string): Promise<void> {
  await query(inject('databaseUrl'), 'INSERT INTO tags (name) VALUES ($1)', [name]);
}

const tagsNamed = (standby: Standby, name: string) =>
  query<{ name: string }>(standby.url(), 'SELECT name FROM tags WHERE name = $1', [name]);

describe('A hot standby of the test cluster', () => {
  let standby: Standby;
  beforeAll(async () => {
    standby = await startStandby({ port: standbyPort });
  }, 60_000);
  afterAll(async () => {
    await standby?.dispose();
  });

  it('When a row is written on the primary, then the standby shows it after replay', async () => {
    const name = `standby-${uniqueSuffix()}`;
    await insertTag(name);
    await standby.catchUp();
    expect(await tagsNamed(standby, name)).toEqual([{ name }]);
  });

  it('When a client writes on the standby, then it refuses as a read-only transaction', async () => {
    await expect(
      query(standby.url(), 'INSERT INTO tags (name) VALUES ($1)', [`standby-${uniqueSuffix()}`]),
    ).rejects.toMatchObject({ code: '25006' });
  });

  it('When replay is paused, then a new row stays invisible until replay resumes', async () => {
    const name = `paused-${uniqueSuffix()}`;
    await standby.pauseReplay();
    try {
      await insertTag(name);
      await expect(standby.catchUp(500)).rejects.toThrow(/did not replay/);
      expect(await tagsNamed(standby, name)).toEqual([]);
    } finally {
      await standby.resumeReplay();
    }
    await standby.catchUp();
    expect(await tagsNamed(standby, name)).toEqual([{ name }]);
  });

  it('When the standby is killed and started again, then it streams what the primary wrote meanwhile', async () => {
    const name = `restarted-${uniqueSuffix()}`;
    await standby.kill();
    await insertTag(name);
    await standby.start();
    await standby.catchUp();
    expect(await tagsNamed(standby, name)).toEqual([{ name }]);
  });
});
