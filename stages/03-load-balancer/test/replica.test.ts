import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createDrainSwitch, type DrainSwitch, drainAndClose } from '@scaling/app-kit';
import { testAppEnvironment } from '@scaling/testing';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';

const drainDelayMs = 400;

const idempotencySecret = 'test-idempotency-secret-of-32-characters';

/** Stage 3's app on the test Postgres and Redis, listening on a free port, with a route the test can hold open. */
async function startReplica() {
  const config = loadConfig(testAppEnvironment({ IDEMPOTENCY_SECRET: idempotencySecret }));
  const drain = createDrainSwitch();
  const app = await buildApp(config, drain);
  let finishSlowRequest = () => {};
  const slowRequestStarted = new Promise<void>((started) => {
    app.get('/test/slow', async () => {
      started();
      await new Promise<void>((finish) => {
        finishSlowRequest = finish;
      });
      return { finished: true };
    });
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return { app, drain, origin, slowRequestStarted, finishSlowRequest: () => finishSlowRequest() };
}

describe('stage 3 replica shutdown', () => {
  let replica: { app: FastifyInstance; drain: DrainSwitch } | undefined;
  afterEach(async () => {
    if (replica?.app.server.listening) await replica.app.close();
  });

  it('When the replica drains, then readiness fails at once, requests are still served with Connection: close, the one in flight finishes, and then it stops listening and closes its clients', async () => {
    const started = await startReplica();
    replica = started;
    const { app, drain, origin } = started;

    const before = await fetch(`${origin}/api/ready`);
    expect(before.status).toBe(200);
    expect(before.headers.get('x-served-by')).toBe('app.test');

    const inFlight = fetch(`${origin}/test/slow`);
    await started.slowRequestStarted;
    const closed = drainAndClose(app, drain, drainDelayMs);

    const during = await fetch(`${origin}/api/ready`);
    expect(during.status).toBe(503);
    expect(await during.json()).toEqual({ status: 'draining' });
    const servedWhileDraining = await fetch(`${origin}/api/tags`);
    expect(servedWhileDraining.status).toBe(200);
    expect(servedWhileDraining.headers.get('connection')).toBe('close');

    started.finishSlowRequest();
    const finished = await inFlight;
    expect(finished.status).toBe(200);
    expect(await finished.json()).toEqual({ finished: true });

    await closed;
    expect(app.server.listening).toBe(false);
    await expect(fetch(`${origin}/api/health`)).rejects.toThrow();
    expect(app.redis.status).toBe('end');
    expect(app.pg.ended).toBe(true);
  });

  it('When a request is still running as the drain delay ends, then closing waits for it to finish', async () => {
    const started = await startReplica();
    replica = started;
    const inFlight = fetch(`${started.origin}/test/slow`);
    await started.slowRequestStarted;
    let closedAt = 0;
    const closed = drainAndClose(started.app, started.drain, 0).then(() => {
      closedAt = Date.now();
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(closedAt).toBe(0);
    const finishedAt = Date.now();
    started.finishSlowRequest();
    expect((await inFlight).status).toBe(200);
    await closed;
    expect(closedAt).toBeGreaterThanOrEqual(finishedAt);
  });
});

describe('stage 3 configuration', () => {
  it("When nginx.conf sets its keepalive_timeout, then the app's default keep-alive timeout is longer", () => {
    const nginxConf = readFileSync(new URL('../config/nginx.conf', import.meta.url), 'utf8');
    const nginxTimeoutsMs = [...nginxConf.matchAll(/^\s*keepalive_timeout\s+(\d+)s;/gm)].map(
      (match) => Number(match[1]) * 1000,
    );
    expect(nginxTimeoutsMs.length).toBeGreaterThan(0);
    const config = loadConfig({
      DATABASE_URL: 'postgres://a@b/c',
      REDIS_URL: 'redis://r:6379',
      IDEMPOTENCY_SECRET: idempotencySecret,
    });
    expect(config.KEEP_ALIVE_TIMEOUT_MS).toBeGreaterThan(Math.max(...nginxTimeoutsMs));
  });

  it('When REDIS_URL is missing or the idempotency secret is short, then the configuration error names both', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgres://a@b/c', IDEMPOTENCY_SECRET: 'short' })).toThrow(
      /REDIS_URL.*IDEMPOTENCY_SECRET|IDEMPOTENCY_SECRET.*REDIS_URL/,
    );
  });
});
