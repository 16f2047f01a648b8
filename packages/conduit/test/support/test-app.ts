import type { IdempotencyStore } from '@scaling/idempotency';
import { createMemorySessionStore, type SessionStore } from '@scaling/sessions';
import { type ArticleInput, buildArticle, buildComment, buildUser, type UserInput } from '@scaling/testing';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { expect, inject } from 'vitest';
import {
  type AllowedOrigins,
  buildConduitApp,
  type ConduitAppOptions,
  type ConduitHooks,
  type CredentialThrottle,
  createRepositories,
  type Repositories,
} from '../../src/index.ts';

export interface TestAppOptions {
  hooks?: ConduitHooks;
  sessions?: SessionStore;
  /** Silent unless a test reads the log lines back. */
  log?: { level: string; stream: { write(line: string): void } };
  /** Defaults to the test database; a test of an outage points it at a port nothing listens on. */
  databaseUrl?: string;
  allowedOrigins?: AllowedOrigins;
  /** Wraps the real repositories: to count what reaches the data, or to fail one call as a dropped connection would. */
  repositories?: (real: Repositories) => Repositories;
  idempotency?: IdempotencyStore;
  credentialThrottle?: CredentialThrottle;
  healthDetails?: () => Record<string, unknown>;
}

/** The error pg gives when the server's connection drops mid-query: the API answers it with a 503. */
export const connectionLost = () => new Error('Connection terminated unexpectedly');

/**
 * The app as stages 1 and 2 wire it (in-memory sessions), through the stages' own function, on the test database;
 * a test may put its hand between the routes and the real repositories, while the servers stay real.
 */
export async function buildTestApp(options: TestAppOptions = {}): Promise<FastifyInstance> {
  const wrap = options.repositories;
  const appOptions: ConduitAppOptions = {
    logLevel: options.log?.level ?? 'silent',
    database: { connectionString: options.databaseUrl ?? inject('databaseUrl'), max: 4 },
    ...(wrap ? { repositories: (database) => wrap(createRepositories(database)) } : {}),
    conduit: {
      sessions: options.sessions ?? createMemorySessionStore(),
      ...(options.hooks ? { hooks: options.hooks } : {}),
      ...(options.allowedOrigins ? { allowedOrigins: options.allowedOrigins } : {}),
      ...(options.idempotency ? { idempotency: options.idempotency } : {}),
      ...(options.credentialThrottle ? { credentialThrottle: options.credentialThrottle } : {}),
      ...(options.healthDetails ? { healthDetails: options.healthDetails } : {}),
    },
  };
  const app = await buildConduitApp(
    options.log ? { ...appOptions, logStream: options.log.stream } : appOptions,
  );
  await app.ready();
  return app;
}

export const tokenHeader = (token: string) => ({ authorization: `Token ${token}` });

export interface RegisteredUser extends UserInput {
  token: string;
}

export async function registerUser(
  app: FastifyInstance,
  overrides: Partial<UserInput> = {},
): Promise<RegisteredUser> {
  const user = buildUser(overrides);
  const response = await app.inject({ method: 'POST', url: '/api/users', payload: { user } });
  expect(response.statusCode, response.body).toBe(201);
  return { ...user, token: response.json().user.token };
}

export async function createArticle(
  app: FastifyInstance,
  token: string,
  overrides: Partial<ArticleInput> = {},
): Promise<{ slug: string; title: string; createdAt: string; updatedAt: string; tagList: string[] }> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/articles',
    headers: tokenHeader(token),
    payload: { article: buildArticle(overrides) },
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json().article;
}

export async function createComment(
  app: FastifyInstance,
  token: string,
  slug: string,
): Promise<{ id: number }> {
  const response = await app.inject({
    method: 'POST',
    url: `/api/articles/${slug}/comments`,
    headers: tokenHeader(token),
    payload: { comment: buildComment() },
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json().comment;
}

export async function follow(app: FastifyInstance, token: string, username: string): Promise<void> {
  const response = await app.inject({
    method: 'POST',
    url: `/api/profiles/${username}/follow`,
    headers: tokenHeader(token),
  });
  expect(response.statusCode, response.body).toBe(200);
}

/** The messages of the contract's length and character rules, as the API words them in a 422. */
export const tooLong = (max: number) => [`is too long (maximum is ${max} characters)`];
export const controlCharacters = [
  'must not contain control characters or characters outside the Basic Multilingual Plane',
];

/** Asserts the exact status and RealWorld error body. */
export function expectError(
  response: LightMyRequestResponse,
  status: number,
  errors: Record<string, string[]>,
): void {
  expect({ status: response.statusCode, body: response.json() }).toEqual({ status, body: { errors } });
}
