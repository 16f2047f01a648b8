import { cpSync, lstatSync, mkdirSync, mkdtempSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveStage, type StackStatus, sharedStateRoot, stackDown, stackUp } from '../src/index.ts';
import { fixturesDir } from './support/fixture-stage.ts';

/**
 * A checkout inside a folder only its owner may enter, as root's home (0700 on Debian) or `mktemp -d`: Postgres,
 * PgBouncer and nginx run as the postgres account, which cannot read anything there.
 */
const home = mkdtempSync(join(tmpdir(), 'stack-private-home-'));
const root = join(home, 'checkout');
mkdirSync(join(root, 'stages'), { recursive: true });
cpSync(join(fixturesDir, 'private-checkout'), join(root, 'stages', '01-private'), { recursive: true });
const stage = resolveStage('01-private', { root });
const quiet = { output: () => {} };

describe('A stage whose checkout sits in a 0700 folder', () => {
  let services: StackStatus[] = [];
  beforeAll(async () => {
    services = (await stackUp(stage, { ...quiet, readyTimeoutMs: 30_000 })).services;
  }, 90_000);
  afterAll(async () => {
    await stackDown(stage, { ...quiet, volumes: true });
    rmSync(home, { recursive: true, force: true });
    if (stage.link) rmSync(dirname(stage.stateDir), { recursive: true, force: true });
  }, 60_000);

  it('When the stack comes up, then Postgres, PgBouncer and nginx are all ready', () => {
    expect(statSync(home).mode & 0o777).toBe(0o700);
    expect(services.map((row) => [row.instance, row.state])).toEqual([
      ['db', 'ready'],
      ['pooler', 'ready'],
      ['balancer', 'ready'],
    ]);
  });

  it('When a query goes through PgBouncer, then it reaches Postgres as the user made from the environment', async () => {
    const client = new pg.Client({
      connectionString: 'postgres://fixture:local-demo-only-fixture@127.0.0.1:16496/fixture',
    });
    await client.connect();
    try {
      const { rows } = await client.query('SELECT current_user AS user, inet_server_port() AS port');
      expect(rows).toEqual([{ user: 'fixture', port: 15496 }]);
    } finally {
      await client.end();
    }
  });

  it('When nginx answers, then it serves the location of its mounted include', async () => {
    const response = await fetch('http://127.0.0.1:18196/answer');
    expect(await response.text()).toBe('included\n');
  });

  it('When run by root, then the state lives in the shared state folder and the checkout links to it', () => {
    if (process.getuid?.() !== 0) {
      expect(stage.stateDir).toBe(join(root, '.stack', '01-private'));
      return;
    }
    expect(stage.stateDir.startsWith(`${sharedStateRoot}/checkout-`)).toBe(true);
    const link = join(root, '.stack', '01-private');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe(stage.stateDir);
  });
});
