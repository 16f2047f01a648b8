import { Writable } from 'node:stream';
import { createMemorySessionStore, type SessionStore } from '@scaling/sessions';
import { buildUser, uniqueSuffix } from '@scaling/testing';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, tokenHeader } from './support/test-app.ts';

describe('secrets in the logs', () => {
  const lines: string[] = [];
  let app: FastifyInstance;
  let failSessions = false;

  beforeAll(async () => {
    const memory = createMemorySessionStore();
    // Fails on demand after the password was read, so the request ends in a logged 500.
    const sessions: SessionStore = {
      ...memory,
      create: (userId) =>
        failSessions ? Promise.reject(new Error('Session store failed.')) : memory.create(userId),
    };
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    app = await buildTestApp({ sessions, log: { level: 'trace', stream } });
  });
  afterAll(async () => {
    await app.close();
  });

  it('When requests carrying a password or a token fail with a 422, a 401 or a 500, then no log line holds either', async () => {
    const password = `secret-${uniqueSuffix()}`;
    const user = buildUser({ password });
    const registered = await app.inject({ method: 'POST', url: '/api/users', payload: { user } });
    const token: string = registered.json().user.token;
    const short = `s${uniqueSuffix().slice(0, 5)}`;
    const statuses = [registered.statusCode];
    const send = async (request: InjectOptions) => {
      statuses.push((await app.inject(request)).statusCode);
    };
    await send({ method: 'POST', url: '/api/users', payload: { user: buildUser({ password: short }) } });
    await send({
      method: 'POST',
      url: '/api/users/login',
      payload: { user: { ...user, password: `${password}x` } },
    });
    await send({ method: 'GET', url: '/api/user', headers: tokenHeader(token) });
    await send({
      method: 'PUT',
      url: '/api/user',
      headers: tokenHeader(token),
      payload: { user: { bio: 5 } },
    });
    failSessions = true;
    await send({ method: 'POST', url: '/api/users/login', payload: { user } });

    expect(statuses).toEqual([201, 422, 401, 200, 422, 500]);
    expect(lines.some((line) => line.includes('The request failed with an unexpected error.'))).toBe(true);
    expect(lines.filter((line) => [password, short, token].some((secret) => line.includes(secret)))).toEqual(
      [],
    );
  });
});
