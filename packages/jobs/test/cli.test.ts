import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createTestPool } from './support/database.ts';

const run = promisify(execFile);
const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const pool = createTestPool();
afterAll(() => pool.end());

describe('pnpm jobs', () => {
  it('When weekly-digest is enqueued with a day and options, then a job for that Monday is queued and its id printed', async () => {
    const { stdout } = await run(process.execPath, [
      cli,
      'enqueue',
      'weekly-digest',
      '--week',
      '1997-07-10',
      '--days',
      '14',
      '--articles',
      '3',
      '--database-url',
      inject('databaseUrl'),
    ]);

    const { rows } = await pool.query('SELECT kind, payload, finished_at FROM jobs WHERE id = $1', [
      Number(stdout.trim()),
    ]);
    expect(rows).toEqual([
      {
        kind: 'weekly-digest',
        payload: { week: '1997-07-07', days: 14, articlesPerDigest: 3 },
        finished_at: null,
      },
    ]);
  });

  it('When the options are nonsense, then it exits 2 with what to give', async () => {
    const failure = run(process.execPath, [
      cli,
      'enqueue',
      'weekly-digest',
      '--days',
      'many',
      '--database-url',
      inject('databaseUrl'),
    ]);

    await expect(failure).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/whole number of days/),
    });
  });
});
