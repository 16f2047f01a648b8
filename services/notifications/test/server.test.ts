import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { sampleSum, scrape } from '@scaling/metrics/testing';
import {
  createOwnDatabase,
  eventually,
  freePort,
  type OwnDatabase,
  startScript,
  uniqueSuffix,
} from '@scaling/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type AppKeys, startAppKeys } from './support/app-keys.ts';

const serviceDirectory = new URL('..', import.meta.url).pathname;

/** One of the service's entry points as compose runs it, with only the environment given. */
const run = (entry: string, env: Record<string, string>) =>
  startScript(entry, env, { cwd: serviceDirectory });

async function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const [code] = (await once(child, 'exit')) as [number | null];
  return code;
}

describe('the notifications process', () => {
  let database: OwnDatabase;
  let keys: AppKeys;
  // The service's own least-privilege role, which the migration creates; roles outlive databases, so it is dropped.
  const role = { name: `notifications_app_${uniqueSuffix()}`, password: 'test-only-notifications-role' };

  beforeAll(async () => {
    // An empty database: the migrate entry point is what creates the service's tables.
    [database, keys] = await Promise.all([
      createOwnDatabase(inject('databaseUrl'), 'notifications_process', async () => {}),
      startAppKeys(inject('databaseUrl')),
    ]);
  });
  afterAll(async () => {
    await Promise.all([database?.drop(), keys?.close()]);
    const admin = new pg.Client({ connectionString: inject('databaseUrl') });
    await admin.connect();
    await admin.query(`DROP ROLE IF EXISTS ${admin.escapeIdentifier(role.name)}`);
    await admin.end();
  });

  it('When it is migrated and started as its own role with Kafka unreachable, then it serves its API and metrics, and SIGTERM ends it cleanly', async () => {
    const migrate = run('src/migrate.ts', {
      NOTIFICATIONS_DATABASE_URL: database.url,
      APP_DATABASE_USER: role.name,
      APP_DATABASE_PASSWORD: role.password,
    });
    expect(await exitOf(migrate.child), migrate.output()).toBe(0);
    const asServiceRole = new URL(database.url);
    asServiceRole.username = role.name;
    asServiceRole.password = role.password;

    const [port, metricsPort, kafkaPort] = await Promise.all([freePort(), freePort(), freePort()]);
    const server = run('src/server.ts', {
      HOST: '127.0.0.1',
      PORT: String(port),
      METRICS_PORT: String(metricsPort),
      NOTIFICATIONS_DATABASE_URL: asServiceRole.toString(),
      KAFKA_BROKERS: `127.0.0.1:${kafkaPort}`,
      JWKS_URL: keys.jwksUrl,
      LOG_LEVEL: 'info',
    });
    try {
      const origin = `http://127.0.0.1:${port}`;
      await eventually(
        async () => expect((await fetch(`${origin}/api/notifications/health`)).status).toBe(200),
        {
          timeoutMs: 20_000,
          intervalMs: 200,
        },
      );
      const token = await keys.tokens.sign({ userId: 7, sessionId: randomUUID() });
      const response = await fetch(`${origin}/api/notifications`, {
        headers: { authorization: `Token ${token}` },
      });
      expect(await response.json()).toEqual({ notifications: [], notificationsCount: 0 });

      const metrics = await scrape(`http://127.0.0.1:${metricsPort}/metrics`);
      expect(sampleSum(metrics, 'http_requests_total', { route: '/api/notifications' })).toBe(1);
      expect(metrics).toContain('# TYPE events_consumed_total counter');
    } finally {
      server.child.kill('SIGTERM');
    }
    expect(await exitOf(server.child), server.output()).toBe(0);
    expect(server.output()).toContain('closing: finishing the work in flight');
  });

  it('When a setting is wrong, then the process stops at once naming it', async () => {
    const server = run('src/server.ts', {
      NOTIFICATIONS_DATABASE_URL: database.url,
      KAFKA_BROKERS: 'kafka',
      JWKS_URL: keys.jwksUrl,
    });
    expect(await exitOf(server.child)).not.toBe(0);
    expect(server.output()).toContain('KAFKA_BROKERS: must be host:port entries separated by commas');
  });
});
