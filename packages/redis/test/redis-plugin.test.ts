import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { uniqueSuffix } from '@scaling/testing';
import Fastify from 'fastify';
import { describe, expect, inject, it } from 'vitest';
import { isRedisUnavailable, redisPlugin } from '../src/index.ts';

describe('redisPlugin', () => {
  it('When the app is ready, then app.redis is connected and answers commands', async () => {
    const app = Fastify({ logger: false });
    await app.register(redisPlugin, { url: inject('redisUrl') });
    await app.ready();
    try {
      const key = `plugin-test:${uniqueSuffix()}`;
      expect(app.redis.status).toBe('ready');
      await app.redis.set(key, 'value', 'EX', 60);
      expect(await app.redis.get(key)).toBe('value');
    } finally {
      await app.close();
    }
  });

  it('When the app closes, then the client is closed with it', async () => {
    const app = Fastify({ logger: false });
    await app.register(redisPlugin, { url: inject('redisUrl') });
    await app.ready();
    await app.close();
    expect(app.redis.status).toBe('end');
  });

  it('When Redis is unreachable at boot, then the app still starts and commands fail at once as unavailable', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'redis-plugin-'));
    const app = Fastify({ logger: false });
    try {
      await app.register(redisPlugin, { url: join(directory, 'nobody-listens.sock'), connectTimeoutMs: 200 });
      await app.ready();
      const failure = await app.redis.get('any').catch((error: unknown) => error);
      expect(isRedisUnavailable(failure)).toBe(true);
    } finally {
      await app.close();
      rmSync(directory, { recursive: true, force: true });
    }
  });
});

describe('isRedisUnavailable', () => {
  const replyError = (message: string) => Object.assign(new Error(message), { name: 'ReplyError' });

  it('When a connection or timeout error is given, then it counts as unavailable', () => {
    expect(isRedisUnavailable(new Error('Command timed out'))).toBe(true);
    expect(
      isRedisUnavailable(new Error("Stream isn't writeable and enableOfflineQueue options is false")),
    ).toBe(true);
  });

  it('When Redis replies with a transient state, then it counts as unavailable', () => {
    expect(isRedisUnavailable(replyError('LOADING Redis is loading the dataset in memory'))).toBe(true);
    expect(isRedisUnavailable(replyError("OOM command not allowed when used memory > 'maxmemory'."))).toBe(
      true,
    );
  });

  it('When Redis rejects a wrong command, then it is a bug, not an outage', () => {
    expect(
      isRedisUnavailable(replyError('WRONGTYPE Operation against a key holding the wrong kind of value')),
    ).toBe(false);
    expect(isRedisUnavailable('not an error')).toBe(false);
  });
});
