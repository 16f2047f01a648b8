import { createMemorySessionStore } from '@scaling/sessions';
import { describe, expect, inject, it } from 'vitest';
import { z } from 'zod';
import { buildConduitApp, databaseUrlEnv, listenEnv, loadEnvConfig, wholeNumber } from '../src/index.ts';

const schema = z.object({ ...listenEnv, ...databaseUrlEnv, POOL: wholeNumber(1, 20) });

describe('loadEnvConfig', () => {
  it('When the environment leaves settings out, then their defaults apply and numbers are parsed', () => {
    expect(loadEnvConfig(schema, { DATABASE_URL: 'postgres://u:p@db:6432/conduit', PORT: '9090' })).toEqual({
      HOST: '0.0.0.0',
      PORT: 9090,
      DATABASE_URL: 'postgres://u:p@db:6432/conduit',
      POOL: 20,
    });
  });

  it('When settings are missing or wrong, then every problem is named in one sentence that says what to do', () => {
    expect(() => loadEnvConfig(schema, { DATABASE_URL: 'mysql://db/conduit', POOL: '0' })).toThrow(
      /^The configuration is invalid \(DATABASE_URL: .+; POOL: .+\)\. Set these environment variables and start again\.$/,
    );
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
