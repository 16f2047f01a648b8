import { randomInt } from 'node:crypto';
import { loadStageCompose, resolveStage } from '@scaling/stack';
import { expect } from 'vitest';
import type { ComposeStack, ResolvedService } from './compose-stack.ts';
import { describeDockerStage, origin } from './docker-stage.ts';

/** The edge's own answer to "where was this served" (the app's is X-Cache). */
const edgeCacheHeader = 'x-edge-cache';

/** How long a replica may take to replay what the primary wrote before the check began. */
const replayTimeoutMs = 15_000;

function log(message: string): void {
  console.log(`[docker] stage 4: ${message}`);
}

async function timedGet(
  path: string,
): Promise<{ status: number; edge: string | null; body: string; ms: number }> {
  const startedAt = performance.now();
  const response = await fetch(new URL(path, origin), { signal: AbortSignal.timeout(10_000) });
  const body = await response.text();
  const ms = Math.round(performance.now() - startedAt);
  return { status: response.status, edge: response.headers.get(edgeCacheHeader), body, ms };
}

/** One SQL value (or rows, one a line) from psql inside a Postgres container, as the image's superuser. */
async function sql(
  stack: ComposeStack,
  services: Record<string, ResolvedService>,
  service: string,
  query: string,
): Promise<string> {
  const environment = services.postgres?.environment ?? {};
  const user = environment.POSTGRES_USER ?? 'postgres';
  const database = environment.POSTGRES_DB ?? user;
  return (
    await stack.exec(service, ['psql', '--no-psqlrc', '-AtX', '-U', user, '-d', database, '-c', query])
  ).trim();
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((wake) => setTimeout(wake, 500));
  }
}

describeDockerStage({
  stage: 4,
  entry: 'varnish',
  checks: [
    {
      title:
        'When an anonymous client reads the same article page twice through the published port, then the first crosses the added latency to the origin (X-Edge-Cache MISS) and the edge answers the second itself (HIT)',
      timeoutMs: 30_000,
      async run(_stack, services) {
        const latencyMs = Number(services['edge-latency']?.environment?.EDGE_LATENCY_MS ?? 0);
        // A write bans its keys at once and again after the replicas' maximum lag (a copy refilled from a lagging
        // replica): the suite's last writes must have done both before the two reads, or a ban may fall between them.
        const rebanSeconds = Number(services.app?.environment?.REPLICA_MAX_LAG_SECONDS ?? 0);
        await new Promise((wake) => setTimeout(wake, (rebanSeconds + 1) * 1000));
        // A page no earlier request asked for, so that the first read must be a miss.
        const path = `/api/articles?limit=${randomInt(2, 20)}&offset=${randomInt(100, 1000)}`;
        const miss = await timedGet(path);
        const hit = await timedGet(path);
        log(
          `GET ${path}: edge ${miss.edge} in ${miss.ms} ms (to the origin across ${latencyMs} ms each way), then ${hit.edge} in ${hit.ms} ms`,
        );
        expect(miss.status).toBe(200);
        expect(miss.edge).toBe('MISS');
        expect(latencyMs).toBeGreaterThan(0);
        expect(miss.ms).toBeGreaterThanOrEqual(2 * latencyMs);
        expect(hit.status).toBe(200);
        expect(hit.edge).toBe('HIT');
        expect(hit.body).toBe(miss.body);
      },
    },
    {
      title:
        'When the stage is up, then the primary streams its WAL to both replicas (pg_stat_replication), and each replica, in recovery, replays past what the primary has written',
      timeoutMs: 60_000,
      async run(stack, services) {
        // x-replica-of is the native runner's key, which `docker compose config` leaves out: read from the file.
        const replicas = Object.entries(loadStageCompose(resolveStage(4), undefined).services)
          .filter(([, service]) => service['x-replica-of'] === 'postgres')
          .map(([name]) => name)
          .sort();
        expect(replicas).toEqual(['postgres-replica-1', 'postgres-replica-2']);
        const streams = await sql(
          stack,
          services,
          'postgres',
          "select application_name || ' ' || client_addr || ' ' || state || ' replay lag ' || coalesce(replay_lag::text, '0') from pg_stat_replication order by 1",
        );
        log(`pg_stat_replication on the primary: ${streams.split('\n').join('; ')}`);
        expect(streams.split('\n').filter((row) => / streaming /.test(row)).length).toBe(2);
        const written = await sql(stack, services, 'postgres', 'select pg_current_wal_lsn()');
        for (const replica of replicas) {
          expect(await sql(stack, services, replica, 'select pg_is_in_recovery()'), replica).toBe('t');
          const replayed = await waitFor(
            async () =>
              (await sql(
                stack,
                services,
                replica,
                `select pg_last_wal_replay_lsn() >= '${written}'::pg_lsn`,
              )) === 't',
            replayTimeoutMs,
          );
          log(`${replica}: in recovery, replayed past the primary's ${written}: ${replayed}`);
          expect(replayed, `${replica} replays past ${written} within ${replayTimeoutMs / 1000} s`).toBe(
            true,
          );
        }
      },
    },
  ],
});
