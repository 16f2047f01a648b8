import { createMemorySessionStore } from '@scaling/sessions';
import { describe, expect, inject, it } from 'vitest';
import { z } from 'zod';
import {
  buildConduitApp,
  corsEnv,
  databaseUrlEnv,
  listenEnv,
  loadEnvConfig,
  subnetList,
  urlList,
  wholeNumber,
} from '../src/index.ts';

const schema = z.object({ ...listenEnv, ...databaseUrlEnv, POOL: wholeNumber(1, 20) });

describe('loadEnvConfig', () => {
  it('When the environment leaves settings out, then their defaults apply and numbers are parsed', () => {
    expect(loadEnvConfig(schema, { DATABASE_URL: 'postgres://u:p@db:6432/conduit', PORT: '9090' })).toEqual({
      HOST: '0.0.0.0',
      PORT: 9090,
      DATABASE_URL: 'postgres://u:p@db:6432/conduit',
      DATABASE_CONNECT_TIMEOUT_MS: 5_000,
      DATABASE_QUERY_TIMEOUT_MS: 35_000,
      POOL: 20,
    });
  });

  it('When settings are missing or wrong, then every problem is named in one sentence that says what to do', () => {
    expect(() => loadEnvConfig(schema, { DATABASE_URL: 'mysql://db/conduit', POOL: '0' })).toThrow(
      /^The configuration is invalid \(DATABASE_URL: .+; POOL: .+\)\. Set these environment variables and start again\.$/,
    );
  });
});

describe('demo secrets', () => {
  const secretsSchema = z.object({
    ...databaseUrlEnv,
    REDIS_URL: z.string(),
    IDEMPOTENCY_SECRET: z.string(),
  });
  // What `docker compose up` with no .env gives the app: the compose files' fallback values.
  const demoEnv = {
    DATABASE_URL: 'postgres://conduit_app:local-demo-only-db-password@pgbouncer:6432/conduit',
    REDIS_URL: 'redis://:local-demo-only-redis-password@redis:6379',
    IDEMPOTENCY_SECRET: 'local-demo-only-idempotency-secret-0123456789',
  };

  it('When NODE_ENV is production and settings hold demo values, then it refuses to start and names each one', () => {
    expect(() => loadEnvConfig(secretsSchema, { ...demoEnv, NODE_ENV: 'production' })).toThrow(
      /^NODE_ENV is production, but DATABASE_URL, REDIS_URL, IDEMPOTENCY_SECRET still hold a local demo value .+ Set them to your own values .+ and start again\.$/,
    );
  });

  it('When NODE_ENV is production and one setting still holds a demo value, then only that one is named', () => {
    const env = { ...demoEnv, NODE_ENV: 'production', DATABASE_URL: 'postgres://app:s3cret@db/conduit' };
    env.REDIS_URL = 'redis://:an-own-password@redis:6379';
    expect(() => loadEnvConfig(secretsSchema, env)).toThrow(
      /but IDEMPOTENCY_SECRET still holds a local demo value/,
    );
  });

  it('When NODE_ENV is not production, then the demo values start the app, as docker compose up does', () => {
    expect(loadEnvConfig(secretsSchema, demoEnv)).toMatchObject(demoEnv);
    expect(loadEnvConfig(secretsSchema, { ...demoEnv, NODE_ENV: 'development' })).toMatchObject(demoEnv);
  });

  it('When a variable the app does not read holds the marker, then production starts', () => {
    const env = {
      DATABASE_URL: 'postgres://app:s3cret@db/conduit',
      REDIS_URL: 'redis://redis',
      IDEMPOTENCY_SECRET: 'x',
    };
    expect(() =>
      loadEnvConfig(secretsSchema, { ...env, NODE_ENV: 'production', OTHER_TOOL_TOKEN: 'local-demo-only' }),
    ).not.toThrow();
  });
});

describe('CORS_ORIGINS and subnet lists', () => {
  const corsSchema = z.object(corsEnv);
  const proxySchema = z.object({ TRUSTED_PROXIES: subnetList('127.0.0.1,10.0.0.0/8') });

  it('When CORS_ORIGINS is unset or *, then any origin is allowed; a list is read as exact origins', () => {
    expect(loadEnvConfig(corsSchema, {})).toEqual({ CORS_ORIGINS: '*' });
    expect(loadEnvConfig(corsSchema, { CORS_ORIGINS: ' * ' })).toEqual({ CORS_ORIGINS: '*' });
    expect(
      loadEnvConfig(corsSchema, { CORS_ORIGINS: 'http://localhost:4173, https://conduit.example.com' }),
    ).toEqual({ CORS_ORIGINS: ['http://localhost:4173', 'https://conduit.example.com'] });
  });

  it('When CORS_ORIGINS holds something a browser never sends as an origin, then each one is named at boot', () => {
    expect(() =>
      loadEnvConfig(corsSchema, { CORS_ORIGINS: 'http://localhost:4173/,localhost:4173,https://ok.example' }),
    ).toThrow(
      /"http:\/\/localhost:4173\/" is not an origin.+; CORS_ORIGINS: "localhost:4173" is not an origin/,
    );
  });

  it('When TRUSTED_PROXIES lists addresses and subnets, then they are kept; anything else is named at boot', () => {
    expect(loadEnvConfig(proxySchema, {})).toEqual({ TRUSTED_PROXIES: ['127.0.0.1', '10.0.0.0/8'] });
    expect(loadEnvConfig(proxySchema, { TRUSTED_PROXIES: '::1, fc00::/7' })).toEqual({
      TRUSTED_PROXIES: ['::1', 'fc00::/7'],
    });
    expect(() => loadEnvConfig(proxySchema, { TRUSTED_PROXIES: 'nginx,10.0.0.0/33' })).toThrow(
      /"nginx" is not an IP address or a subnet.+"10\.0\.0\.0\/33" is not an IP address or a subnet/,
    );
  });

  const replicaSchema = z.object({ REPLICA_URLS: urlList(/^postgres(ql)?$/, 'postgres://host/db') });

  it('When a URL list is empty or unset, then it is an empty list; otherwise each URL is kept, trimmed', () => {
    expect(loadEnvConfig(replicaSchema, {})).toEqual({ REPLICA_URLS: [] });
    expect(loadEnvConfig(replicaSchema, { REPLICA_URLS: ' ' })).toEqual({ REPLICA_URLS: [] });
    expect(
      loadEnvConfig(replicaSchema, { REPLICA_URLS: 'postgres://a:b@r1:6432/c, postgresql://r2/c' }),
    ).toEqual({ REPLICA_URLS: ['postgres://a:b@r1:6432/c', 'postgresql://r2/c'] });
  });

  it('When a URL list holds another scheme or no URL, then each is named at boot without its password', () => {
    const failure = (() => {
      try {
        loadEnvConfig(replicaSchema, { REPLICA_URLS: 'redis://u:secret@r1:6379,replica-2' });
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(failure).toMatch(
      /"redis:\/\/…@r1:6379" is not a URL of the right kind: write postgres:\/\/host\/db/,
    );
    expect(failure).toMatch(/"replica-2" is not a URL of the right kind/);
    expect(failure).not.toContain('secret');
  });
});

describe('buildConduitApp', () => {
  const buildApp = () =>
    buildConduitApp({
      logLevel: 'silent',
      database: { connectionString: inject('databaseUrl'), max: 2 },
      conduit: { sessions: createMemorySessionStore() },
    });

  it('When built on a database, then it serves the API and closes its pool with the app', async () => {
    const app = await buildApp();

    const tags = await app.inject({ method: 'GET', url: '/api/tags' });
    await app.close();

    expect(tags.statusCode).toBe(200);
    expect(tags.json()).toHaveProperty('tags');
    expect(app.pg.ending).toBe(true);
  });

  it('When the router rejects a malformed URL, then the answer is in the RealWorld error shape', async () => {
    const app = await buildApp();

    const response = await app.inject({ method: 'GET', url: '/api/articles/%zz' });
    await app.close();

    expect({ status: response.statusCode, fields: Object.keys(response.json().errors ?? {}) }).toEqual({
      status: 400,
      fields: ['url'],
    });
  });
});
