import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runMigrations } from '../src/index.ts';
import { buildLoginRole } from './support/migrated-role.ts';

let admin: pg.Client;
beforeAll(async () => {
  admin = new pg.Client({ connectionString: inject('databaseUrl') });
  await admin.connect();
});
afterAll(async () => {
  await admin.end();
});

/** A fresh database of its own, owned by `owner` (the server's superuser when omitted), dropped afterwards. */
async function withOwnDatabase<T>(
  run: (url: string) => Promise<T>,
  owner?: { name: string; password: string },
): Promise<T> {
  const name = `statements_${randomBytes(4).toString('hex')}`;
  await admin.query(`CREATE DATABASE ${name}${owner ? ` OWNER ${owner.name}` : ''}`);
  const url = new URL(inject('databaseUrl'));
  url.pathname = `/${name}`;
  if (owner) {
    url.username = owner.name;
    url.password = owner.password;
  }
  try {
    return await run(url.toString());
  } finally {
    await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
  }
}

const installedExtensions = async (url: string) => {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ extname: string }>('SELECT extname FROM pg_extension');
    return rows.map((row) => row.extname);
  } finally {
    await client.end();
  }
};

describe('pg_stat_statements through the migrations', () => {
  it('When a superuser migrates a database on a server that ships the extension, then it is installed, once', async () => {
    await withOwnDatabase(async (url) => {
      await expect(runMigrations(url)).resolves.toEqual({ statementStatistics: true });
      await expect(runMigrations(url)).resolves.toEqual({ statementStatistics: true });
      expect(await installedExtensions(url)).toContain('pg_stat_statements');
    });
  });

  it('When a database owner who is no superuser migrates, then the migrations succeed without the extension', async () => {
    const owner = buildLoginRole('schema_owner');
    await admin.query(`CREATE ROLE ${owner.name} LOGIN PASSWORD '${owner.password}'`);
    try {
      await withOwnDatabase(async (url) => {
        await expect(runMigrations(url)).resolves.toEqual({ statementStatistics: false });
        expect(await installedExtensions(url)).not.toContain('pg_stat_statements');
      }, owner);
    } finally {
      await admin.query(`DROP ROLE ${owner.name}`);
    }
  });
});
