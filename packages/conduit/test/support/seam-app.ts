import { createPool } from '@scaling/db';
import type { IdempotencyStore } from '@scaling/idempotency';
import { createMemorySessionStore, type SessionStore } from '@scaling/sessions';
import Fastify, { type FastifyInstance } from 'fastify';
import { inject } from 'vitest';
import {
  type CredentialThrottle,
  conduit,
  createRepositories,
  frameworkErrors,
  type Repositories,
} from '../../src/index.ts';

export interface SeamAppOptions {
  /** Wraps the real repositories: to count what reaches the data, or to fail one call as a dropped connection would. */
  repositories?: (real: Repositories) => Repositories;
  sessions?: SessionStore;
  idempotency?: IdempotencyStore;
  credentialThrottle?: CredentialThrottle;
}

/** The error pg gives when the server's connection drops mid-query: the API answers it with a 503. */
export const connectionLost = () => new Error('Connection terminated unexpectedly');

/**
 * The API on the test database through the data-access seam, with what a test puts between the routes and the
 * real repositories. The servers stay real; only the seam sees the test's hand.
 */
export async function buildSeamApp(options: SeamAppOptions = {}): Promise<FastifyInstance> {
  const pool = createPool({ connectionString: inject('databaseUrl'), max: 4 }, console);
  const real = createRepositories({ primary: pool });
  const app = Fastify({ logger: false, frameworkErrors });
  app.addHook('onClose', () => pool.end());
  await app.register(conduit, {
    repositories: options.repositories?.(real) ?? real,
    sessions: options.sessions ?? createMemorySessionStore(),
    ...(options.idempotency ? { idempotency: options.idempotency } : {}),
    ...(options.credentialThrottle ? { credentialThrottle: options.credentialThrottle } : {}),
  });
  await app.ready();
  return app;
}
