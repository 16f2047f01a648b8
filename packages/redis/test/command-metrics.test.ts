import { randomUUID } from 'node:crypto';
import { createMetricsRegistry, type Registry } from '@scaling/metrics';
import { promtoolProblems, sampleSum } from '@scaling/metrics/testing';
import Fastify, { type FastifyInstance } from 'fastify';
import { describe, expect, inject, it } from 'vitest';
import { closeRedisClient, connectRedisClient, redisPlugin } from '../src/index.ts';

async function measuredRedis(
  options: { commandTimeoutMs?: number } = {},
): Promise<{ app: FastifyInstance; registry: Registry }> {
  const registry = createMetricsRegistry();
  const app = Fastify();
  await app.register(redisPlugin, { url: inject('redisUrl'), metrics: registry, ...options });
  await app.ready();
  return { app, registry };
}

const key = () => `metrics-test:${randomUUID()}`;

describe('Redis command metrics', () => {
  it('When N commands are sent, then the latency histogram of that command counts N', async () => {
    const { app, registry } = await measuredRedis();
    try {
      for (let sent = 0; sent < 4; sent += 1) await app.redis.get(key());
      const text = await registry.metrics();

      expect(sampleSum(text, 'redis_command_duration_seconds_count', { command: 'get' })).toBe(4);
      expect(sampleSum(text, 'redis_command_errors_total')).toBe(0);
      expect(await promtoolProblems(text)).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('When Redis answers a command with an error, then it counts as a reply error of that command', async () => {
    const { app, registry } = await measuredRedis();
    try {
      const name = key();
      await app.redis.set(name, 'a string');

      await expect(app.redis.hget(name, 'field')).rejects.toThrow(/WRONGTYPE/);
      const text = await registry.metrics();

      expect(sampleSum(text, 'redis_command_errors_total', { command: 'hget', kind: 'reply' })).toBe(1);
      expect(sampleSum(text, 'redis_command_duration_seconds_count', { command: 'hget' })).toBe(1);
    } finally {
      await app.close();
    }
  });

  it('When a command gets no answer within the command timeout, then it counts as Redis unavailable', async () => {
    const { app, registry } = await measuredRedis({ commandTimeoutMs: 100 });
    try {
      await expect(app.redis.blpop(key(), 1)).rejects.toThrow(/timed out/);
      const text = await registry.metrics();

      expect(sampleSum(text, 'redis_command_errors_total', { command: 'blpop', kind: 'unavailable' })).toBe(
        1,
      );
    } finally {
      await app.close();
    }
  });

  it('When the app that measured Redis has closed, then later commands in the process are not counted', async () => {
    const { app, registry } = await measuredRedis();
    await app.redis.get(key());
    await app.close();
    const other = await connectRedisClient({ url: inject('redisUrl') });

    await other.get(key());
    await closeRedisClient(other);
    const text = await registry.metrics();

    expect(sampleSum(text, 'redis_command_duration_seconds_count', { command: 'get' })).toBe(1);
  });
});
