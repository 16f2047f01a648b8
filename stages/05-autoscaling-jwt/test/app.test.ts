import { createDrainSwitch } from '@scaling/app-kit';
import { composeEnvironment, loadStageCompose, nativeEnvironment, resolveStage } from '@scaling/stack';
import { buildArticle, buildUser, testAppEnvironment } from '@scaling/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';

const required = {
  DATABASE_URL: 'postgres://conduit_app:secret@pgbouncer:6432/conduit',
  REDIS_URL: 'redis://:secret@redis:6379',
  IDEMPOTENCY_SECRET: 'test-idempotency-secret-of-32-characters',
  JWT_KEY_ENCRYPTION_SECRET: 'test-jwt-key-encryption-secret',
};

/** A service of the stage's compose file as Docker reads it, with a variant applied. */
const composed = (service: string, variant?: string) => {
  const found = loadStageCompose(resolveStage(5), variant).services[service];
  if (!found) throw new Error(`Stage 5's compose file has no service "${service}".`);
  return found;
};

/**
 * The environment a service gets natively, with a variant applied: read from the compose file, not from a plan,
 * which would take the variant of a stage running meanwhile.
 */
const planned = (service: string, variant?: string) => nativeEnvironment(composed(service, variant));

/** Megabytes of a compose memory size such as "192m". */
const megabytes = (size: string | number | undefined) => {
  const match = /^(\d+)m$/.exec(String(size));
  if (!match) throw new Error(`"${size}" is not a memory size in megabytes (such as 192m).`);
  return Number(match[1]);
};

describe('stage 5 configuration', () => {
  it('When the token settings are left unset, then access tokens are signed JWTs of 15 minutes and refresh tokens last 7 days', () => {
    expect(loadConfig(required)).toMatchObject({
      AUTH_TOKENS: 'jwt',
      JWT_ISSUER: 'scaling-conduit',
      JWT_AUDIENCE: 'conduit-api',
      JWT_ACCESS_TTL_SECONDS: 900,
      JWT_CLOCK_SKEW_SECONDS: 30,
      JWT_KEYS_REFRESH_SECONDS: 30,
      REFRESH_TOKEN_TTL_SECONDS: 604_800,
    });
  });

  it('When the key encryption secret is missing, then the configuration error names it', () => {
    const { JWT_KEY_ENCRYPTION_SECRET: _left, ...withoutSecret } = required;

    expect(() => loadConfig(withoutSecret)).toThrow(/JWT_KEY_ENCRYPTION_SECRET/);
  });

  it("When the compose file configures the app, then it signs JWTs and reads through stage 4's replicas, cache and edge", () => {
    const config = loadConfig(planned('app'));

    expect(config.AUTH_TOKENS).toBe('jwt');
    expect(config.JWT_KEY_ENCRYPTION_SECRET).toMatch(/^local-demo-only-/);
    expect(config.DATABASE_REPLICA_URLS).toHaveLength(2);
    expect(config.CACHE_REDIS_URL).not.toBe('');
    expect(config.EDGE_PURGE_URLS).toHaveLength(1);
  });

  it('When the sessions variant is applied, then only the tokens change: back to Redis sessions', () => {
    expect(loadConfig(planned('app', 'sessions'))).toEqual({
      ...loadConfig(planned('app')),
      AUTH_TOKENS: 'sessions',
    });
  });

  it.each([
    ['fixed', { AUTOSCALER_DRY_RUN: 'true' }],
    ['fast-scaling', { AUTOSCALER_TIME_SCALE: '40' }],
  ])(
    'When the %s variant is applied, then only that setting of the autoscaler changes',
    (variant, changed) => {
      expect(planned('autoscaler', variant)).toEqual({ ...planned('autoscaler'), ...changed });
      expect(planned('app', variant)).toEqual(planned('app'));
    },
  );

  it("When the compose file sizes an app replica, then its CPU quota is the autoscaler's CPU per replica and its heap leaves room under its memory limit", () => {
    const app = composed('app');
    const autoscaler = composeEnvironment(composed('autoscaler'));
    const heap = /--max-old-space-size=(\d+)/.exec(composeEnvironment(app).NODE_OPTIONS ?? '');

    expect(Number(app.cpus)).toBe(Number(autoscaler.AUTOSCALER_CPU_PER_REPLICA));
    expect(app.cpuset).toBeUndefined();
    expect(heap).not.toBeNull();
    // Code, stacks, buffers outside the heap and the young generation take about 60 MB beside the old generation.
    expect(Number(heap?.[1]) + 60).toBeLessThanOrEqual(megabytes(app.mem_limit));
  });

  it('When the autoscaler runs natively, then it acts through the native runner on this stage, and under Docker through the socket, read-only', () => {
    const service = composed('autoscaler');

    expect(composeEnvironment(service).AUTOSCALER_ACTUATOR).toBe('docker');
    expect(service.volumes).toContain('/var/run/docker.sock:/var/run/docker.sock:ro');
    expect(service.ports).toBeUndefined();
    expect(planned('autoscaler')).toMatchObject({
      AUTOSCALER_ACTUATOR: 'native',
      AUTOSCALER_STAGE: '05-autoscaling-jwt',
    });
  });
});

/** Stage 5's app on the test Postgres and Redis, listening nowhere, with `overrides` of its environment. */
function buildTestApp(overrides: Record<string, string> = {}): Promise<FastifyInstance> {
  const { IDEMPOTENCY_SECRET, JWT_KEY_ENCRYPTION_SECRET } = required;
  return buildApp(
    loadConfig(testAppEnvironment({ IDEMPOTENCY_SECRET, JWT_KEY_ENCRYPTION_SECRET, ...overrides })),
    createDrainSwitch(),
  );
}

interface SignedIn {
  token: string;
  refreshToken?: string;
}

async function register(app: FastifyInstance): Promise<SignedIn> {
  const registered = await app.inject({ method: 'POST', url: '/api/users', payload: { user: buildUser() } });
  expect(registered.statusCode).toBe(201);
  return registered.json<{ user: SignedIn }>().user;
}

const asUser = (token: string) => ({ authorization: `Token ${token}` });

/** The decoded protected header of a compact JWS. */
const jwtHeader = (token: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8'));

describe('stage 5 app on the test Postgres and Redis (AUTH_TOKENS=jwt)', () => {
  let app: FastifyInstance;
  // Another replica of the same stage whose shared Redis is unreachable: port 1 refuses every connection.
  let withoutRedis: FastifyInstance;

  beforeAll(async () => {
    app = await buildTestApp();
    withoutRedis = await buildTestApp({ REDIS_URL: 'redis://127.0.0.1:1' });
  });

  afterAll(async () => {
    await Promise.all([app?.close(), withoutRedis?.close()]);
  });

  it('When a user registers, then the token is an EdDSA access token (at+jwt) whose key the JWKS publishes, with a refresh token beside it', async () => {
    const user = await register(app);
    const jwks = await app.inject({ method: 'GET', url: '/api/.well-known/jwks.json' });

    expect(jwtHeader(user.token)).toMatchObject({ alg: 'EdDSA', typ: 'at+jwt' });
    expect(user.refreshToken).toEqual(expect.any(String));
    expect(jwks.statusCode).toBe(200);
    expect(jwks.json<{ keys: { kid: string }[] }>().keys.map((key) => key.kid)).toContain(
      jwtHeader(user.token).kid,
    );
  });

  it('When a signed-in user reads through a replica whose Redis is unreachable, then every read succeeds: the token is checked without any store', async () => {
    const user = await register(app);
    const created = await app.inject({
      method: 'POST',
      url: '/api/articles',
      headers: asUser(user.token),
      payload: { article: buildArticle() },
    });
    const { slug } = created.json<{ article: { slug: string } }>().article;

    const reads = await Promise.all(
      ['/api/user', `/api/articles/${slug}`, '/api/articles/feed', '/api/articles?limit=5'].map((url) =>
        withoutRedis.inject({ method: 'GET', url, headers: asUser(user.token) }),
      ),
    );

    expect(reads.map((read) => read.statusCode)).toEqual([200, 200, 200, 200]);
  });

  it('When the refresh token is exchanged on another replica whose Redis is unreachable, then a new pair comes back and the new access token works', async () => {
    const user = await register(app);

    const refreshed = await withoutRedis.inject({
      method: 'POST',
      url: '/api/users/refresh',
      payload: { user: { refreshToken: user.refreshToken } },
    });
    const next = refreshed.json<{ user: SignedIn }>().user;
    const read = await app.inject({ method: 'GET', url: '/api/user', headers: asUser(next.token) });

    expect(refreshed.statusCode).toBe(200);
    expect(next.refreshToken).not.toBe(user.refreshToken);
    expect(read.statusCode).toBe(200);
  });
});

describe('stage 5 app with Redis sessions (AUTH_TOKENS=sessions, the sessions variant)', () => {
  let app: FastifyInstance;

  beforeAll(async () => {
    app = await buildTestApp({ AUTH_TOKENS: 'sessions' });
  });

  afterAll(async () => {
    await app?.close();
  });

  it('When a user registers, then the token is an opaque session token, with no refresh token, and there is no key set to publish', async () => {
    const user = await register(app);
    const jwks = await app.inject({ method: 'GET', url: '/api/.well-known/jwks.json' });
    const read = await app.inject({ method: 'GET', url: '/api/user', headers: asUser(user.token) });

    expect(user.token.split('.')).toHaveLength(1);
    expect(user.refreshToken).toBeUndefined();
    expect(jwks.statusCode).toBe(404);
    expect(read.statusCode).toBe(200);
  });
});
