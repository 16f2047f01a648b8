import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createOwnDatabase, type OwnDatabase } from '@scaling/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { testEncryptionSecret } from './support/factories.ts';

const run = promisify(execFile);
const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));

describe('pnpm tokens', () => {
  let database: OwnDatabase;
  const tokens = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    run(process.execPath, [cli, ...args, '--database-url', database.url], {
      env: { ...process.env, JWT_KEY_ENCRYPTION_SECRET: testEncryptionSecret, ...env },
    });

  beforeAll(async () => {
    database = await createOwnDatabase(inject('databaseUrl'), 'tokens');
  });
  afterAll(async () => {
    await database.drop();
  });

  it('When keys are rotated twice, then the second key signs two reload periods later, the first one retires then, and list shows both', async () => {
    const first = await tokens(['rotate']);
    expect(first.stdout).toMatch(
      /Added signing key \S+: it signs from .*\nNo key was current, so the new key signs at once\./,
    );
    const second = await tokens(['rotate'], { JWT_KEYS_REFRESH_SECONDS: '10' });
    const [, kid, seconds] =
      second.stdout.match(/Added signing key (\S+): it signs from \S+ \(in (\d+) s\)/) ?? [];
    expect(Number(seconds)).toBeGreaterThanOrEqual(19);
    expect(Number(seconds)).toBeLessThanOrEqual(20);
    expect(second.stdout).toMatch(
      /signs until then and verifies the tokens it signed until \S+ \(in 9\d\d s\)/,
    );

    const { stdout } = await tokens(['list']);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\S+ {2}signing until .* \(in \d+ s\)$/);
    expect(lines[1]).toBe(`${kid}  next, signs from ${lines[1]?.split('signs from ')[1]}`);
  });

  it('When the encryption secret is too short, then rotate exits 2 and names the setting', async () => {
    const failure = await tokens(['rotate'], { JWT_KEY_ENCRYPTION_SECRET: 'short' }).catch((error) => error);
    expect(failure.code).toBe(2);
    expect(failure.stderr).toMatch(/JWT_KEY_ENCRYPTION_SECRET: needs at least 16 characters/);
  });
});
