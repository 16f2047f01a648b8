import {
  apiEnv,
  databaseUrlEnv,
  kafkaBrokersEnv,
  listenEnv,
  loadEnvConfig,
  logLevelEnv,
  metricsEnv,
  replicaEnv,
  wholeNumber,
} from '@scaling/app-kit';
import { shardsEnv } from '@scaling/shards';
import { tokenEnv } from '@scaling/tokens';
import { z } from 'zod';

const appSchema = z.object({
  ...apiEnv,
  // Redis (login counts and idempotency keys), the replica's name, keep-alive, trusted proxies and drain.
  ...replicaEnv,
  // Stage 5's signed access tokens and refresh tokens, unchanged.
  ...tokenEnv,
  // DATABASE_URL is the global database's PgBouncer: accounts, follows, tokens, the directory and the ring.
  DATABASE_POOL_MAX: wholeNumber(1, 10),
  // Every shard the replica may use, each through its PgBouncer, and how the ring is followed.
  ...shardsEnv,
});

export type Config = z.infer<typeof appSchema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return loadEnvConfig(appSchema, env);
}

/** What the relay and the worker share: their logs and metrics, the global database, the shards and the broker. */
const eventProcessEnv = {
  ...logLevelEnv,
  // They serve no API, only their metrics, on this address.
  HOST: listenEnv.HOST,
  ...metricsEnv,
  ...databaseUrlEnv,
  DATABASE_POOL_MAX: wholeNumber(1, 2),
  SHARD_URLS: shardsEnv.SHARD_URLS,
  SHARD_POOL_MAX: wholeNumber(1, 2),
  ...kafkaBrokersEnv,
};

const relaySchema = z.object({
  ...eventProcessEnv,
  // Outbox rows published per batch and per source; an empty outbox is polled again after the interval.
  RELAY_BATCH_SIZE: wholeNumber(1, 500),
  RELAY_POLL_INTERVAL_MS: wholeNumber(10, 200),
});

export type RelayConfig = z.infer<typeof relaySchema>;

export function loadRelayConfig(env: NodeJS.ProcessEnv = process.env): RelayConfig {
  return loadEnvConfig(relaySchema, env);
}

const workerSchema = z.object({
  ...eventProcessEnv,
  // A connection per running job, plus one to claim the next jobs and one for the consumer's transactions.
  DATABASE_POOL_MAX: wholeNumber(1, 5),
  JOBS_CONCURRENCY: wholeNumber(1, 2),
  // Before the second and the third try of a failed event; after the third it goes to the dead-letter topic.
  CONSUMER_RETRY_DELAYS_MS: z
    .string()
    .default('1000,10000')
    .transform((value) => value.split(',').map(Number))
    .refine(
      (delays): delays is [number, number] =>
        delays.length === 2 && delays.every((delay) => Number.isInteger(delay) && delay >= 0),
      { message: 'must be two delays in milliseconds, such as 1000,10000' },
    ),
});

export type WorkerConfig = z.infer<typeof workerSchema>;

export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  return loadEnvConfig(workerSchema, env);
}
