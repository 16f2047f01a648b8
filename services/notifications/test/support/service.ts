import { createAccessTokenVerifier } from '@scaling/tokens';
import { buildAccessTokenSettings } from '@scaling/tokens/testing';
import type { FastifyInstance } from 'fastify';
import { buildNotificationsApp, type NotificationsAppOptions } from '../../src/app.ts';
import { remoteVerificationKeys } from '../../src/remote-keys.ts';

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
