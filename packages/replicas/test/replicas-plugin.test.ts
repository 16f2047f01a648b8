import { compareLsn, createPool, type Queryable } from '@scaling/db';
import { createMetricsRegistry } from '@scaling/metrics';
import { promtoolProblems, sampleSum } from '@scaling/metrics/testing';
import { type Standby, startStandby, uniqueSuffix } from '@scaling/testing';
import Fastify, { type FastifyInstance } from 'fastify';
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { type ReplicasPluginOptions, replicasPlugin } from '../src/index.ts';

const standbyPort = Number(process.env.TEST_POSTGRES_PORT ?? 25432) + 8;

interface LogLine {
  level: number;
  msg: string;
  replica?: string;
  lagSeconds?: number | null;
}

/** Reads and polls log in as a role with no privilege beyond reading tags, as the application's does. */
const reader = {
  name: `replicas_reader_${uniqueSuffix().replaceAll('-', '_')}`,
  password: `pw-${uniqueSuffix()}`,
};

let standby: Standby;
/** The superuser's pool, for writes and the role's set-up. */
let owner: pg.Pool;
/** The application's pool on the primary, as the plugin gets it. */
let primary: pg.Pool;
const apps: FastifyInstance[] = [];

const asReader = (url: string) => {
  const readerUrl = new URL(url);
  readerUrl.username = reader.name;
  readerUrl.password = reader.password;
  return readerUrl.toString();
};

beforeAll(async () => {
  owner = createPool({ connectionString: inject('databaseUrl') }, { error() {} });
  await owner.query(`CREATE ROLE ${reader.name} LOGIN PASSWORD '${reader.password}'`);
  await owner.query(`GRANT SELECT ON tags TO ${reader.name}`);
  standby = await startStandby({ port: standbyPort });
  primary = createPool({ connectionString: asReader(inject('databaseUrl')) }, { error() {} });
}, 60_000);
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});
afterAll(async () => {
  await primary?.end();
  await standby?.dispose();
  await owner?.query(`DROP OWNED BY ${reader.name}`);
  await owner?.query(`DROP ROLE ${reader.name}`);
  await owner?.end();
});

/** An app with the plugin on the test primary and its standby, logging into `lines` and measuring into `registry`. */
async function startApp(overrides: Partial<ReplicasPluginOptions> = {}) {
  const lines: LogLine[] = [];
  const registry = createMetricsRegistry();
  const app = Fastify({
    logger: { level: 'info', stream: { write: (line: string) => lines.push(JSON.parse(line) as LogLine) } },
  });
  apps.push(app);
  await app.register(replicasPlugin, {
    urls: [asReader(standby.url())],
    primary,
    pollIntervalMs: 50,
    maxLagSeconds: 30,
    metrics: registry,
    ...overrides,
  });
  await app.ready();
  return { replicas: app.replicas, app, lines, registry };
}

async function insertTag(): Promise<string> {
  const name = `replicas-${uniqueSuffix()}`;
  await owner.query('INSERT INTO tags (name) VALUES ($1)', [name]);
  return name;
}

/** Where a read ran, and whether it saw the tag. */
const findTag = (name: string) => async (db: Queryable) => {
  const { rows } = await db.query<{ standby: boolean; found: boolean }>(
    'SELECT pg_is_in_recovery() AS standby, EXISTS (SELECT 1 FROM tags WHERE name = $1) AS found',
    [name],
  );
  const row = rows[0] as { standby: boolean; found: boolean };
  return { ranOn: row.standby ? 'replica' : 'primary', found: row.found };
};
const ranOn = async (db: Queryable) => (await findTag('')(db)).ranOn;

async function waitUntil(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Waited ${timeoutMs} ms for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const reads = (text: string, target: string, reason: string) =>
  sampleSum(text, 'db_reads_total', { target, reason });

describe('replicasPlugin on a real hot standby', () => {
  it('When no replica is configured, then reads run on the primary, and its WAL position is still known', async () => {
    const { replicas, registry } = await startApp({ urls: [] });
    expect(await replicas.read(null, ranOn)).toBe('primary');
    expect(await replicas.primaryLsn()).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
    expect(replicas.status()).toEqual([]);
    expect(reads(await registry.metrics(), 'primary', 'no-replica')).toBe(1);
  });

  it('When a user’s write is not replayed yet, then their read goes to the primary, and to the replica once it is', async () => {
    const { replicas, registry } = await startApp();
    expect(await replicas.read(null, ranOn)).toBe('replica');
    await standby.pauseReplay();
    let name: string;
    let lsn: string;
    try {
      name = await insertTag();
      lsn = await replicas.primaryLsn();
      expect(await replicas.read(lsn, findTag(name))).toEqual({ ranOn: 'primary', found: true });
      // Another user, who wrote nothing, may read the replica as it is.
      expect(await replicas.read(null, findTag(name))).toEqual({ ranOn: 'replica', found: false });
      expect(replicas.status()[0]).toMatchObject({ name: 'replica-1', inRotation: true });
    } finally {
      await standby.resumeReplay();
    }
    await waitUntil(
      () => compareLsn(replicas.status()[0]?.replayLsn ?? '0/0', lsn) >= 0,
      'the poller to see the standby replay the write',
    );
    expect(await replicas.read(lsn, findTag(name))).toEqual({ ranOn: 'replica', found: true });
    const metrics = await registry.metrics();
    expect(reads(metrics, 'primary', 'behind')).toBe(1);
    expect(reads(metrics, 'replica-1', 'fresh')).toBe(3);
  });

  it('When the standby has replayed a write but no poll has seen it yet, then the read still goes to the primary: positions come from the poller, not from a query per read', async () => {
    const { replicas } = await startApp({ pollIntervalMs: 60_000 });
    const name = await insertTag();
    const lsn = await replicas.primaryLsn();
    await standby.waitForReplay(lsn);
    expect(await replicas.read(lsn, findTag(name))).toEqual({ ranOn: 'primary', found: true });
  });

  it('When two replicas are in rotation, then fresh reads alternate between them', async () => {
    const { replicas, registry } = await startApp({
      urls: [asReader(standby.url()), asReader(standby.url())],
    });
    for (let read = 0; read < 10; read++) await replicas.read(null, ranOn);
    const metrics = await registry.metrics();
    expect(reads(metrics, 'replica-1', 'fresh')).toBe(5);
    expect(reads(metrics, 'replica-2', 'fresh')).toBe(5);
  });

  it('When replay stops long enough, then the replica leaves the rotation, showing its lag, and rejoins once replay resumes', async () => {
    const { replicas, registry, lines } = await startApp({ maxLagSeconds: 0.4 });
    await standby.pauseReplay();
    try {
      await insertTag();
      await waitUntil(() => replicas.status()[0]?.inRotation === false, 'the replica to leave the rotation');
      const status = replicas.status()[0];
      expect(status?.reason).toMatch(/lags more than the 0.4 s bound/);
      expect(status?.lagSeconds).toBeGreaterThan(0.4);
      expect(status?.lagBytes).toBeGreaterThan(0);
      expect(await replicas.read(null, ranOn)).toBe('primary');
      const metrics = await registry.metrics();
      expect(sampleSum(metrics, 'db_replica_in_rotation', { replica: 'replica-1' })).toBe(0);
      expect(sampleSum(metrics, 'db_replica_lag_seconds', { replica: 'replica-1' })).toBeGreaterThan(0.4);
      expect(sampleSum(metrics, 'db_replica_lag_bytes', { replica: 'replica-1' })).toBeGreaterThan(0);
      expect(reads(metrics, 'primary', 'out-of-rotation')).toBe(1);
      expect(await promtoolProblems(metrics)).toEqual([]);
      const left = lines.find((line) => line.msg.startsWith('Replica replica-1 left the rotation'));
      expect(left).toMatchObject({ replica: 'replica-1' });
      expect(left?.lagSeconds).toBeGreaterThan(0.4);
    } finally {
      await standby.resumeReplay();
    }
    await waitUntil(() => replicas.status()[0]?.inRotation === true, 'the replica to rejoin the rotation');
    expect(lines.filter((line) => line.msg.startsWith('Replica replica-1 joined the rotation'))).toHaveLength(
      2,
    );
    expect(await replicas.read(null, ranOn)).toBe('replica');
  });

  it('When the standby is killed while reads run, then every read succeeds, and the replica leaves the rotation and rejoins after a restart', async () => {
    const { replicas, lines } = await startApp();
    const places: string[] = [];
    const failures: unknown[] = [];
    let reading = true;
    const reader = (async () => {
      while (reading) {
        await replicas.read(null, ranOn).then(
          (place) => places.push(place),
          (error: unknown) => failures.push(error),
        );
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    try {
      await waitUntil(() => places.includes('replica'), 'a read on the replica');
      await standby.kill();
      await waitUntil(() => replicas.status()[0]?.inRotation === false, 'the replica to leave the rotation');
      const readsWhileDown = places.length;
      await waitUntil(() => places.length > readsWhileDown + 10, 'reads while the replica is down');
      expect(places.slice(readsWhileDown)).not.toContain('replica');
      await standby.start();
      await waitUntil(() => replicas.status()[0]?.inRotation === true, 'the replica to rejoin the rotation');
      const readsAfterRestart = places.length;
      await waitUntil(
        () => places.slice(readsAfterRestart).includes('replica'),
        'a read on the replica again',
      );
    } finally {
      reading = false;
      await reader;
    }
    expect(failures).toEqual([]);
    expect(lines.some((line) => line.msg.startsWith('Replica replica-1 left the rotation'))).toBe(true);
  });

  it('When a replica goes down between two polls, then the read that finds it gone runs again on the primary and takes it out', async () => {
    const { replicas, registry, lines } = await startApp({ pollIntervalMs: 60_000 });
    expect(await replicas.read(null, ranOn)).toBe('replica');
    // A shutdown, not a kill: a killed postmaster's backends may answer a moment longer, which would make this test race.
    await standby.stop();
    try {
      expect(await replicas.read(null, ranOn)).toBe('primary');
      expect(replicas.status()[0]).toMatchObject({
        inRotation: false,
        reason: expect.stringMatching(/^a read could not reach it/),
      });
      expect(reads(await registry.metrics(), 'primary', 'fallback')).toBe(1);
      expect(lines.some((line) => line.msg.startsWith('Replica replica-1 left the rotation: a read'))).toBe(
        true,
      );
    } finally {
      await standby.start();
    }
  });

  it('When a replica is down at startup, then the app starts with its reads on the primary, and it joins once it answers', async () => {
    await standby.stop();
    let started: Awaited<ReturnType<typeof startApp>>;
    try {
      started = await startApp();
      expect(started.replicas.status()[0]).toMatchObject({ inRotation: false, replayLsn: null });
      expect(await started.replicas.read(null, ranOn)).toBe('primary');
      expect(reads(await started.registry.metrics(), 'primary', 'out-of-rotation')).toBe(1);
      expect(
        started.lines.some((line) => line.msg.startsWith('Replica replica-1 starts out of the rotation')),
      ).toBe(true);
    } finally {
      await standby.start();
    }
    const { replicas } = started;
    await waitUntil(() => replicas.status()[0]?.inRotation === true, 'the replica to join the rotation');
    expect(await replicas.read(null, ranOn)).toBe('replica');
  });

  it('When a read fails with a SQL error on a replica, then the caller gets the error and the replica stays in rotation', async () => {
    const { replicas, registry } = await startApp();
    await expect(replicas.read(null, (db) => db.query('SELECT * FROM no_such_table'))).rejects.toMatchObject({
      code: '42P01',
    });
    expect(replicas.status()[0]?.inRotation).toBe(true);
    expect(reads(await registry.metrics(), 'primary', 'fallback')).toBe(0);
  });

  it('When the app closes, then polling stops and the replica’s connections are closed', async () => {
    const { app } = await startApp();
    const clientsOnStandby = async () => {
      const pool = createPool({ connectionString: standby.url(), max: 1 }, { error() {} });
      try {
        const { rows } = await pool.query<{ count: number }>(
          "SELECT count(*)::int AS count FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()",
        );
        return rows[0]?.count ?? 0;
      } finally {
        await pool.end();
      }
    };
    expect(await clientsOnStandby()).toBeGreaterThan(0);
    await app.close();
    await waitUntil(async () => (await clientsOnStandby()) === 0, 'the standby to have no client left');
  });
});
