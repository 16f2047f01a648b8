import { setTimeout as sleep } from 'node:timers/promises';
import { cachePlugin } from '@scaling/cache';
import { buildConduitApp } from '@scaling/conduit';
import { compareLsn } from '@scaling/db';
import type { EdgePurger } from '@scaling/edge';
import { closeRedisClient, connectRedisClient, redisPlugin } from '@scaling/redis';
import { createWriteLsnStore, replicasPlugin } from '@scaling/replicas';
import { createRedisSessionStore } from '@scaling/sessions';
import type { Standby } from '@scaling/testing';
import type { FastifyInstance } from 'fastify';
import { inject } from 'vitest';
import { createReadPathRepositories } from '../../src/index.ts';

export interface ReadPathAppOptions {
  /** Reads go to this standby when given, else all to the primary. */
  standby?: Standby;
  /** The cache Redis; no cache when absent. */
  cacheUrl?: string;
  /** The viewer rule (a write LSN store in the session Redis); on unless set false. */
  readYourWrites?: boolean;
  /** The Redis of the write positions, when not the sessions' (stage 5: sessions need no Redis, positions do). */
  writeLsnUrl?: string;
  edge?: EdgePurger;
}

/**
 * The API as stage 4 wires it, on the test database: sessions and write positions in the test Redis, the cache on
 * a Redis of the test's own, reads on a standby of the test's own. Its replica stays in rotation for 30 s of lag, so
 * a test that pauses replay sees what a lagging replica serves.
 */
export async function buildReadPathApp(options: ReadPathAppOptions = {}): Promise<FastifyInstance> {
  const { standby, cacheUrl, edge, writeLsnUrl } = options;
  const positions = writeLsnUrl
    ? await connectRedisClient({ url: writeLsnUrl, commandTimeoutMs: 300 })
    : null;
  const app = await buildConduitApp({
    logLevel: 'silent',
    database: { connectionString: inject('databaseUrl'), max: 4 },
    clients: async (app) => {
      await app.register(redisPlugin, { url: inject('redisUrl'), commandTimeoutMs: 300 });
      if (positions) app.addHook('onClose', () => closeRedisClient(positions));
      if (cacheUrl) await app.register(cachePlugin, { url: cacheUrl, timeoutMs: 50 });
      if (standby) {
        await app.register(replicasPlugin, {
          urls: [standby.url()],
          primary: app.pg,
          pool: { max: 4 },
          pollIntervalMs: 20,
          maxLagSeconds: 30,
        });
      }
    },
    repositories: (database, app) =>
      createReadPathRepositories({
        primary: database.primary,
        replicas: standby ? app.replicas : undefined,
        cache: cacheUrl ? app.cache : undefined,
        writeLsn:
          options.readYourWrites === false
            ? undefined
            : createWriteLsnStore(positions ?? app.redis, { ttlSeconds: 60 }),
        edge,
        log: app.log,
      }),
    conduit: (app) => ({ sessions: createRedisSessionStore(app.redis) }),
  });
  await app.ready();
  return app;
}

/** An edge that keeps the keys each purge names, so a test can see what a write banned. */
export function createRecordingEdge(): EdgePurger & { purged: string[][] } {
  const purged: string[][] = [];
  return {
    purged,
    async purge(keys) {
      purged.push([...keys]);
    },
  };
}

/**
 * A port of the test file's own beside the global setup's Postgres (TEST_POSTGRES_PORT + offset): each file takes
 * a different offset from 3 to 7, inside the block of ten a concurrent run on the next base leaves free.
 */
export function ownPort(offset: number): number {
  return Number(new URL(inject('databaseUrl')).port) + offset;
}

/**
 * Waits until the app's replica set has polled the standby at its current replay position: reads are routed from
 * the last poll, so a test that pauses replay must first know the app has seen everything before the pause.
 */
export async function untilPolledUpToDate(app: FastifyInstance, standby: Standby): Promise<void> {
  await standby.catchUp();
  const replayed = await standby.replayLsn();
  const deadline = Date.now() + 5000;
  for (;;) {
    const seen = app.replicas.status()[0]?.replayLsn ?? null;
    if (replayed === null || (seen !== null && compareLsn(seen, replayed) >= 0)) return;
    if (Date.now() > deadline) {
      throw new Error(`The replica set did not poll the standby at ${replayed} within 5 s (it saw ${seen}).`);
    }
    await sleep(10);
  }
}
