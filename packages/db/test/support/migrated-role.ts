import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, expect, inject } from 'vitest';
import { runMigrations } from '../../src/index.ts';
import type { LoginRole } from '../../src/login-role.ts';

type MigrationOptions = NonNullable<Parameters<typeof runMigrations>[1]>;

export function buildLoginRole(prefix: string, overrides: Partial<LoginRole> = {}): LoginRole {
  return {
    name: `${prefix}_${randomBytes(4).toString('hex')}`,
    password: `pw-${randomBytes(8).toString('hex')}`,
    ...overrides,
  };
}

export interface MigratedRole {
  /** Mutable: a test that rotates the password writes the new one here before migrating again. */
  role: LoginRole;
  /** The migrations' own connection, for what the role itself may not do. */
  owner(): pg.Client;
  /** Runs `fn` on a fresh session logged in as the role, ended afterwards. */
  as<T>(fn: (client: pg.Client) => Promise<T>): Promise<T>;
  migrate(): Promise<void>;
}

function urlAs(user: string, password: string): string {
  const url = new URL(inject('databaseUrl'));
  url.username = user;
  url.password = password;
  return url.toString();
}

/**
 * Runs the migrations with the role `optionsFor` places in them before the file's tests, and drops the role
 * (and whatever it owns) after them, so each test file leaves no role behind on the shared server.
 */
export function useMigratedRole(
  role: LoginRole,
  optionsFor: (role: LoginRole) => MigrationOptions,
): MigratedRole {
  const databaseUrl = inject('databaseUrl');
  let owner: pg.Client | undefined;
  const migrated: MigratedRole = {
    role,
    owner() {
      if (!owner)
        throw new Error('The owner connection opens in beforeAll: call owner() from a test or hook.');
      return owner;
    },
    async as(fn) {
      const client = new pg.Client({ connectionString: urlAs(role.name, role.password) });
      await client.connect();
      try {
        return await fn(client);
      } finally {
        await client.end();
      }
    },
    async migrate() {
      await runMigrations(databaseUrl, optionsFor(role));
    },
  };
  beforeAll(async () => {
    owner = new pg.Client({ connectionString: databaseUrl });
    await owner.connect();
    await migrated.migrate();
  });
  afterAll(async () => {
    await owner?.query(`DROP OWNED BY ${role.name}`);
    await owner?.query(`DROP ROLE ${role.name}`);
    await owner?.end();
  });
  return migrated;
}

/** Rotates the role's password through the migrations, then checks the new one logs in and the old one is refused. */
export async function expectOnlyNewPasswordLogsIn(migrated: MigratedRole): Promise<void> {
  const previous = migrated.role.password;
  migrated.role.password = `pw-${randomBytes(8).toString('hex')}`;
  await migrated.migrate();
  await expect(migrated.as((client) => client.query('SELECT 1'))).resolves.toBeDefined();
  const stale = new pg.Client({ connectionString: urlAs(migrated.role.name, previous) });
  await expect(stale.connect()).rejects.toMatchObject({ code: '28P01' });
  await stale.end().catch(() => {});
}
