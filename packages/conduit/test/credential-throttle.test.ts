import { createMemoryRateLimiter, createRedisRateLimiter, type RateLimiter } from '@scaling/rate-limit';
import { closeRedisClient, connectRedisClient } from '@scaling/redis';

type Redis = Awaited<ReturnType<typeof connectRedisClient>>;

import { buildUser, startPrivateRedis, type UserInput } from '@scaling/testing';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { CredentialLimits, Repositories } from '../src/index.ts';
import { buildTestApp, expectError } from './support/test-app.ts';

const limits: CredentialLimits = {
  perAddress: { limit: 3, windowSeconds: 60 },
  perAccount: { limit: 2, windowSeconds: 60 },
};

let addressesUsed = 0;
/** Each test gets addresses of its own, so the counts of one test never reach another. */
const newAddress = () => `198.51.100.${++addressesUsed}`;

/**
 * A 429 in the RealWorld shape whose message gives the wait Retry-After gives: the full interval, less the time
 * the earlier attempts took (their password checks), rounded up.
 */
function expectThrottled(
  response: LightMyRequestResponse,
  action: string,
  scope: string,
  intervalSeconds: number,
) {
  const seconds = Number(response.headers['retry-after']);
  expect(seconds).toBeGreaterThanOrEqual(intervalSeconds - 2);
  expect(seconds).toBeLessThanOrEqual(intervalSeconds);
  expectError(response, 429, {
    [action]: [`has been tried too often ${scope}; wait ${seconds} seconds, then try again`],
  });
}

/** Counts the credential lookups that precede every password check: a refused attempt must never get there. */
function countingLookups(counter: { lookups: number }) {
  return (real: Repositories): Repositories => ({
    ...real,
    users: {
      ...real.users,
      findCredentials: (email) => {
        counter.lookups++;
        return real.users.findCredentials(email);
      },
    },
  });
}

const login = (email: string, password: string, remoteAddress: string): InjectOptions => ({
  method: 'POST',
  url: '/api/users/login',
  remoteAddress,
  payload: { user: { email, password } },
});

/** Registers from an address of its own, so that the test's set-up spends none of the counts it checks. */
async function signUp(app: FastifyInstance): Promise<UserInput> {
  const user = buildUser();
  const response = await app.inject({
    method: 'POST',
    url: '/api/users',
    remoteAddress: newAddress(),
    payload: { user },
  });
  expect(response.statusCode, response.body).toBe(201);
  return user;
}

describe.each([
  { store: 'memory (stages 1-2)', redis: false },
  { store: 'Redis (stage 3)', redis: true },
])('login and registration throttled, counters in $store', ({ redis: inRedis }) => {
  const counter = { lookups: 0 };
  let app: FastifyInstance;
  let redis: Redis | undefined;
  beforeAll(async () => {
    redis = inRedis ? await connectRedisClient({ url: inject('redisUrl') }) : undefined;
    const limiter: RateLimiter = redis ? createRedisRateLimiter(redis) : createMemoryRateLimiter();
    app = await buildTestApp({
      repositories: countingLookups(counter),
      credentialThrottle: { limiter, ...limits },
    });
  });
  afterAll(async () => {
    await app.close();
    if (redis) await closeRedisClient(redis);
  });

  it('When one address goes over the login limit, then it gets 429 with Retry-After in the RealWorld shape, and the refused attempt never reaches the password check', async () => {
    const user = await signUp(app);
    const address = newAddress();
    const emails = [buildUser().email, buildUser().email, user.email];
    for (const email of emails) {
      expect((await app.inject(login(email, 'wrong-password', address))).statusCode).toBe(401);
    }
    const before = counter.lookups;
    const refused = await app.inject(login(user.email, user.password, address));
    expectThrottled(refused, 'login', 'from this address', 20);
    expect(counter.lookups).toBe(before);
    expect((await app.inject(login(user.email, user.password, newAddress()))).statusCode).toBe(200);
  });

  it('When one account is tried from many addresses, then it gets 429 past its own limit while other accounts still log in', async () => {
    const victim = await signUp(app);
    const other = await signUp(app);
    for (let attempt = 0; attempt < 2; attempt++) {
      expect((await app.inject(login(victim.email, 'wrong-password', newAddress()))).statusCode).toBe(401);
    }
    const refused = await app.inject(login(victim.email.toUpperCase(), victim.password, newAddress()));
    expectThrottled(refused, 'login', 'for this e-mail address', 30);
    expect((await app.inject(login(other.email, other.password, newAddress()))).statusCode).toBe(200);
  });

  it('When one address registers more accounts than the limit, then the next registration gets 429 and creates no user', async () => {
    const address = newAddress();
    const register = (user = buildUser()) =>
      app.inject({ method: 'POST', url: '/api/users', remoteAddress: address, payload: { user } });
    for (let attempt = 0; attempt < 3; attempt++) expect((await register()).statusCode).toBe(201);
    const refused = buildUser();
    expectThrottled(await register(refused), 'registration', 'from this address', 20);
    const login = await app.inject({
      method: 'POST',
      url: '/api/users/login',
      payload: { user: { email: refused.email, password: refused.password } },
    });
    expect(login.statusCode).toBe(401);
  });
});

describe('login throttled in Redis across replicas', () => {
  let redis: Redis;
  let replicas: FastifyInstance[];
  beforeAll(async () => {
    redis = await connectRedisClient({ url: inject('redisUrl') });
    const credentialThrottle = { limiter: createRedisRateLimiter(redis), ...limits };
    replicas = await Promise.all([
      buildTestApp({ credentialThrottle }),
      buildTestApp({ credentialThrottle }),
    ]);
  });
  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.close()));
    await closeRedisClient(redis);
  });

  it('When an address spreads its attempts over two replicas, then they share one count', async () => {
    const address = newAddress();
    const [first, second] = replicas as [FastifyInstance, FastifyInstance];
    for (const replica of [first, second, first]) {
      expect((await replica.inject(login(buildUser().email, 'wrong', address))).statusCode).toBe(401);
    }
    expect((await second.inject(login(buildUser().email, 'wrong', address))).statusCode).toBe(429);
  });
});

describe("login throttled while the limiter's Redis is down", () => {
  it('When the Redis that counts attempts is stopped, then a login gets 503 (not 500) and never reaches the password check', async () => {
    const server = await startPrivateRedis();
    const redis = await connectRedisClient({ url: server.url, commandTimeoutMs: 200 });
    const counter = { lookups: 0 };
    const app = await buildTestApp({
      repositories: countingLookups(counter),
      credentialThrottle: { limiter: createRedisRateLimiter(redis), ...limits },
    });
    try {
      await server.stop();
      const response = await app.inject(login(buildUser().email, 'whatever', newAddress()));
      expectError(response, 503, {
        credentials: [
          'cannot be checked against the attempt limits right now, so they were not tried; retry in a few seconds',
        ],
      });
      expect(response.headers['retry-after']).toBe('1');
      expect(counter.lookups).toBe(0);
    } finally {
      await app.close();
      await closeRedisClient(redis);
      await server.dispose();
    }
  });
});
