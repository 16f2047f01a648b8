import { buildConduitApp } from '@scaling/conduit';
import { buildUser } from '@scaling/testing';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import {
  createAccessTokens,
  createJwtSessions,
  createRefreshTokenStore,
  keyRingPlugin,
} from '../../src/index.ts';
import { buildAccessTokenSettings, buildKeyRingOptions } from './factories.ts';

export interface JwtAppOptions {
  databaseUrl: string;
  /** The clock of the ring and the tokens; the real one unless a test moves it. */
  now?: () => Date;
}

const refreshTtlSeconds = 7 * 24 * 60 * 60;

/** The API as stage 5 authenticates it: signed access tokens from the ring's keys, refresh tokens in Postgres. */
export async function buildJwtApp({ databaseUrl, now }: JwtAppOptions): Promise<FastifyInstance> {
  const clock = now ? { now } : {};
  const app = await buildConduitApp({
    logLevel: 'silent',
    database: { connectionString: databaseUrl, max: 6 },
    clients: async (app) => {
      await app.register(keyRingPlugin, buildKeyRingOptions(clock));
    },
    conduit: (app) => ({
      sessions: createJwtSessions({
        accessTokens: createAccessTokens(app.keyRing, buildAccessTokenSettings(clock)),
        refreshTokens: createRefreshTokenStore(app.pg, { ttlSeconds: refreshTtlSeconds, ...clock }),
      }),
    }),
  });
  await app.ready();
  return app;
}

export interface SignedInUser {
  username: string;
  token: string;
  refreshToken: string;
}

export async function signUp(app: FastifyInstance): Promise<SignedInUser> {
  const user = buildUser();
  const response = await app.inject({ method: 'POST', url: '/api/users', payload: { user } });
  expect(response.statusCode, response.body).toBe(201);
  const { token, refreshToken } = response.json().user;
  return { username: user.username, token, refreshToken };
}

/** `GET /api/user` with the token: the status, and the username when it is 200. */
export async function currentUser(app: FastifyInstance, token: string) {
  const response = await app.inject({ url: '/api/user', headers: { authorization: `Token ${token}` } });
  return { status: response.statusCode, body: response.json() };
}

export const refresh = (app: FastifyInstance, refreshToken: string) =>
  app.inject({ method: 'POST', url: '/api/users/refresh', payload: { user: { refreshToken } } });

export const invalidToken = { errors: { token: ['is invalid'] } };
export const invalidRefreshToken = { errors: { refreshToken: ['is invalid'] } };
