import type { AddressInfo } from 'node:net';
import { postgresPlugin } from '@scaling/db';
import { createOwnDatabase, type OwnDatabase } from '@scaling/testing';
import {
  type AccessTokenSettings,
  type AccessTokens,
  createAccessTokens,
  jwksPath,
  jwksRoute,
  keyRingPlugin,
} from '@scaling/tokens';
import { buildAccessTokenSettings, buildKeyRingOptions } from '@scaling/tokens/testing';
import Fastify from 'fastify';

export interface AppKeys {
  /** Where the service fetches the keys, as it would from the app. */
  jwksUrl: string;
  /** Signs access tokens as the app does, with the ring whose public keys the URL serves. */
  tokens: AccessTokens;
  /** The same keys with other settings: a token for another audience, or one already expired. */
  tokensWith(settings: Partial<AccessTokenSettings>): AccessTokens;
  close(): Promise<void>;
}

/**
 * The app's side of sign-ins, for real: a key ring in a Postgres database of its own (the app's migrations) and the
 * app's JWKS route on a local port. Tokens signed here verify at the service only through that endpoint.
 */
export async function startAppKeys(serverUrl: string): Promise<AppKeys> {
  const database: OwnDatabase = await createOwnDatabase(serverUrl, 'notifications_keys');
  const app = Fastify();
  await app.register(postgresPlugin, { connectionString: database.url });
  await app.register(keyRingPlugin, buildKeyRingOptions());
  await app.register(jwksRoute, { keys: app.keyRing, maxAgeSeconds: 30 });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return {
    jwksUrl: `http://127.0.0.1:${port}${jwksPath}`,
    tokens: createAccessTokens(app.keyRing, buildAccessTokenSettings()),
    tokensWith: (settings) => createAccessTokens(app.keyRing, buildAccessTokenSettings(settings)),
    async close() {
      await app.close();
      await database.drop();
    },
  };
}
