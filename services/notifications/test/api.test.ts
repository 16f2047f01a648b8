import { randomUUID } from 'node:crypto';
import { createOwnDatabase, type OwnDatabase } from '@scaling/testing';
import type { FastifyInstance } from 'fastify';
import { decodeJwt, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { applyEvent } from '../src/event-effects.ts';
import { migrateNotifications } from '../src/migrations.ts';
import { type AppKeys, startAppKeys } from './support/app-keys.ts';
import { buildArticleEvent, buildEvent, buildPerson, type PersonInput } from './support/factories.ts';
import { buildService } from './support/service.ts';

describe('GET /api/notifications', () => {
  let database: OwnDatabase;
  let keys: AppKeys;
  let service: FastifyInstance;

  beforeAll(async () => {
    [database, keys] = await Promise.all([
      createOwnDatabase(inject('databaseUrl'), 'notifications', migrateNotifications),
      startAppKeys(inject('databaseUrl')),
    ]);
    service = await buildService({ databaseUrl: database.url, jwksUrl: keys.jwksUrl });
  });
  afterAll(async () => {
    await service?.close();
    await Promise.all([database?.drop(), keys?.close()]);
  });

  /** What the service learns from the app's events about a new user. */
  async function registered(person: PersonInput = buildPerson()): Promise<PersonInput> {
    await applyEvent(buildEvent('user.registered', { ...person }), database.pool);
    return person;
  }

  /** `count` favorites of the author's articles by the fan, a second apart; their titles newest first. */
  async function favoritesOf(author: PersonInput, fan: PersonInput, count: number): Promise<string[]> {
    const titles: string[] = [];
    for (let index = 0; index < count; index++) {
      const article = buildArticleEvent({ authorId: author.userId });
      const occurredAt = new Date(Date.UTC(2026, 0, 1, 0, 0, index)).toISOString();
      await applyEvent(
        buildEvent('article.favorited', { ...article, userId: fan.userId }, { occurredAt }),
        database.pool,
      );
      titles.push(article.title);
    }
    return titles.reverse();
  }

  const get = (url: string, token?: string) =>
    service.inject({ method: 'GET', url, headers: token ? { authorization: `Token ${token}` } : {} });

  const tokenOf = (person: PersonInput) =>
    keys.tokens.sign({ userId: person.userId, sessionId: randomUUID() });

  it('When a signed-in author asks for their notifications, then they see what others did to their articles, newest first, and nothing addressed to anyone else', async () => {
    const [author, fan, stranger] = await Promise.all([registered(), registered(), registered()]);
    const titles = await favoritesOf(author, fan, 3);
    await favoritesOf(stranger, fan, 1);

    const response = await get('/api/notifications', await tokenOf(author));

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      notifications: titles.map((title) => ({
        id: expect.any(Number),
        type: 'article.favorited',
        createdAt: expect.stringMatching(/^2026-01-01T00:00:0\d\.000Z$/),
        actor: { username: fan.username },
        article: { slug: expect.any(String), title },
      })),
      notificationsCount: 3,
    });
  });

  it('When limit and offset are given, then the page is that slice of the newest-first list and the count stays the total', async () => {
    const [author, fan] = await Promise.all([registered(), registered()]);
    const titles = await favoritesOf(author, fan, 5);

    const response = await get('/api/notifications?limit=2&offset=1', await tokenOf(author));

    expect(response.statusCode).toBe(200);
    const page = response.json<{
      notifications: { article: { title: string } }[];
      notificationsCount: number;
    }>();
    expect(page.notifications.map((notification) => notification.article.title)).toEqual(titles.slice(1, 3));
    expect(page.notificationsCount).toBe(5);
  });

  it.each([
    ['limit=0', { limit: ['must be at least 1'] }],
    ['limit=101', { limit: ['must be at most 100'] }],
    ['offset=-1', { offset: ['must be at least 0'] }],
    ['offset=10001', { offset: ['must be at most 10000'] }],
    ['limit=ten', { limit: ['must be an integer'] }],
    ['offset=', { offset: ['must be an integer'] }],
  ])(
    'When the query is %s, then the answer is 422 naming the parameter and its bound',
    async (query, errors) => {
      const response = await get(`/api/notifications?${query}`, await tokenOf(await registered()));
      expect(response.statusCode).toBe(422);
      expect(response.json()).toEqual({ errors });
    },
  );

  it('When no Authorization header is sent, then the answer is 401 in the RealWorld error shape', async () => {
    const response = await get('/api/notifications');
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({ errors: { token: ['is missing'] } });
  });

  it('When the header is not "Token <token>", then the answer is 401 saying how to send it', async () => {
    const response = await service.inject({
      method: 'GET',
      url: '/api/notifications',
      headers: { authorization: `Bearer ${await tokenOf(buildPerson())}` },
    });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({
      errors: { token: ['is malformed; send "Authorization: Token <token>"'] },
    });
  });

  it('When a token is for another audience, expired, altered or signed by an unknown key, then the answer is 401 "is invalid"', async () => {
    const person = buildPerson();
    const claims = { userId: person.userId, sessionId: randomUUID() };
    const token = await keys.tokens.sign(claims);
    const [header, , signature] = token.split('.');
    const otherUser = Buffer.from(JSON.stringify({ ...decodeJwt(token), sub: '1' })).toString('base64url');
    const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const forged = await new SignJWT(decodeJwt(token))
      .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid: randomUUID() })
      .sign(privateKey);
    const invalid = {
      'another audience': await keys.tokensWith({ audience: 'another-api' }).sign(claims),
      expired: await keys.tokensWith({ now: () => new Date(Date.now() - 3_600_000) }).sign(claims),
      altered: [header, otherUser, signature].join('.'),
      'unknown key': forged,
      'not a JWT': 'not-a-jwt',
    };
    for (const [what, candidate] of Object.entries(invalid)) {
      const response = await get('/api/notifications', candidate);
      expect(response.statusCode, what).toBe(401);
      expect(response.json(), what).toEqual({ errors: { token: ['is invalid'] } });
    }
  });

  it("When the app's key set cannot be fetched, then a signed-in request is 503 with Retry-After, not a 401 that would sign the user out", async () => {
    const unreachable = await buildService({ databaseUrl: database.url, jwksUrl: 'http://127.0.0.1:9/keys' });
    try {
      const response = await unreachable.inject({
        method: 'GET',
        url: '/api/notifications',
        headers: { authorization: `Token ${await tokenOf(buildPerson())}` },
      });
      expect(response.statusCode).toBe(503);
      expect(response.headers['retry-after']).toBe('1');
      expect(response.json()).toEqual({
        errors: {
          token: ["cannot be checked while the app's signing keys are unavailable; retry in a few seconds"],
        },
      });
    } finally {
      await unreachable.close();
    }
  });

  it('When its database is unreachable, then a signed-in request is 503 with Retry-After saying so', async () => {
    const unreachable = await buildService({
      databaseUrl: 'postgres://nobody@127.0.0.1:9/notifications',
      jwksUrl: keys.jwksUrl,
    });
    try {
      const response = await unreachable.inject({
        method: 'GET',
        url: '/api/notifications',
        headers: { authorization: `Token ${await tokenOf(buildPerson())}` },
      });
      expect([response.statusCode, response.headers['retry-after']]).toEqual([503, '1']);
      expect(response.json()).toEqual({
        errors: { database: ['is unavailable right now; retry in a few seconds'] },
      });
    } finally {
      await unreachable.close();
    }
  });

  it('When a path the service does not serve is asked, then the answer is 404 in the RealWorld error shape', async () => {
    const response = await get('/api/notifications/unknown');
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ errors: { path: ['/api/notifications/unknown not found'] } });
  });

  it('When the probes are asked, then liveness is ok and readiness is ready', async () => {
    expect((await get('/api/notifications/health')).json()).toEqual({ status: 'ok' });
    const ready = await get('/api/notifications/ready');
    expect([ready.statusCode, ready.json()]).toEqual([200, { status: 'ready' }]);
  });
});
