import type { IdempotencyStore } from '@scaling/idempotency';
import type { SessionStore } from '@scaling/sessions';
import type pg from 'pg';
import type { AllowedOrigins } from './http/cors.ts';
import type { Repositories } from './repositories.ts';
import type { CredentialThrottle } from './users/credential-throttle.ts';

export interface ConduitHooks {
  /**
   * Runs inside the transaction that inserts the article, on the same connection: whatever it writes
   * (a background job, an outbox event) commits or rolls back together with the article.
   */
  articlePublished?(db: pg.PoolClient, article: { id: number; authorId: number }): Promise<void>;
}

export interface ConduitOptions {
  /** The routes' only way to the data: `createRepositories(database)`, or a stage's own (replicas, caches). */
  repositories: Repositories;
  sessions: SessionStore;
  hooks?: ConduitHooks;
  /** Sent as `X-Served-By` on every response, so a client behind a balancer sees which replica answered. */
  instanceName?: string;
  /**
   * True once the process is shutting down: `GET /api/ready` answers 503 so the balancer stops routing here,
   * and responses carry `Connection: close` so no kept-alive connection is reused while the server closes.
   */
  isDraining?: () => boolean;
  /**
   * Extra fields of `GET /api/health`'s body, read on every call (stage 4: each replica's lag and whether it is in
   * rotation). Keep it cheap and in memory: the probe must not wait on a dependency.
   */
  healthDetails?: () => Record<string, unknown>;
  /** Makes `POST` requests with an `Idempotency-Key` header safe to retry (see http/idempotency.ts). */
  idempotency?: IdempotencyStore;
  /**
   * Throttles login and registration per client address and per account before any password is hashed: 429 with
   * Retry-After past the limits (see users/credential-throttle.ts). Every stage sets it; tests that sign up many
   * users from one address leave it out.
   */
  credentialThrottle?: CredentialThrottle;
  /** The origins whose pages may call the API from a browser (CORS); any origin (`*`) when omitted. */
  allowedOrigins?: AllowedOrigins;
}
