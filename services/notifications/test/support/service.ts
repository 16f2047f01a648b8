import { randomUUID } from 'node:crypto';
import { createAccessTokenVerifier } from '@scaling/tokens';
import { buildAccessTokenSettings } from '@scaling/tokens/testing';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { buildNotificationsApp, type NotificationsAppOptions } from '../../src/app.ts';
import { remoteVerificationKeys } from '../../src/remote-keys.ts';
import type { AppKeys } from './app-keys.ts';

/** The service as server.ts wires it, on the test's database, verifying tokens against `jwksUrl`. */
export function buildService(
  { databaseUrl, jwksUrl }: { databaseUrl: string; jwksUrl: string },
  overrides: Partial<NotificationsAppOptions> = {},
): Promise<FastifyInstance> {
  return buildNotificationsApp({
    logLevel: 'silent',
    database: { connectionString: databaseUrl, max: 4 },
    accessTokens: createAccessTokenVerifier(
      remoteVerificationKeys({ url: jwksUrl, timeoutMs: 1_000, cooldownMs: 1_000, cacheMaxAgeMs: 60_000 }),
      buildAccessTokenSettings(),
    ),
    ...overrides,
  });
}

/** One notification as GET /api/notifications lists it. */
export interface ListedNotification {
  id: number;
  type: string;
  createdAt: string;
  actor: { username: string | null };
  article: { slug: string; title: string } | null;
}

/** `userId`'s first 100 notifications, read through the API with a token the app's keys signed. */
export async function listNotifications(
  service: FastifyInstance,
  keys: AppKeys,
  userId: number,
): Promise<ListedNotification[]> {
  const token = await keys.tokens.sign({ userId, sessionId: randomUUID() });
  const response = await service.inject({
    method: 'GET',
    url: '/api/notifications?limit=100',
    headers: { authorization: `Token ${token}` },
  });
  expect(response.statusCode).toBe(200);
  return response.json<{ notifications: ListedNotification[] }>().notifications;
}
