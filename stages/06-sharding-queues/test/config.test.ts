import { loadStageCompose, nativeEnvironment, resolveStage } from '@scaling/stack';
import { describe, expect, it } from 'vitest';
import { loadConfig, loadRelayConfig, loadWorkerConfig } from '../src/config.ts';

/** The stage's compose file as Docker reads it, with a variant applied. */
const composed = (variant?: string) => loadStageCompose(resolveStage(6), variant).services;

/** The environment a service gets natively: read from the compose file, not from the plan of a running stage. */
const planned = (service: string) => {
  const found = composed()[service];
  if (!found) throw new Error(`Stage 6's compose file has no service "${service}".`);
  return nativeEnvironment(found);
};

const databaseServers = ['postgres', 'shard1', 'shard2', 'shard3', 'shard4'];

describe('stage 6 configuration', () => {
  it('When the compose file configures the app, then it reaches the global database and every shard it may use, each through its own PgBouncer', () => {
    const config = loadConfig(planned('app'));

    expect(new URL(config.DATABASE_URL).host).toBe('pgbouncer:6432');
    expect(config.SHARD_URLS.map((shard) => [shard.name, new URL(shard.url).host])).toEqual([
      ['shard1', 'pgbouncer-shard1:6432'],
      ['shard2', 'pgbouncer-shard2:6432'],
      ['shard3', 'pgbouncer-shard3:6432'],
      ['shard4', 'pgbouncer-shard4:6432'],
    ]);
    expect(config.JWT_KEY_ENCRYPTION_SECRET).toMatch(/^local-demo-only-/);
  });

  it('When the compose file configures the relay and the worker, then both read every outbox the app may write and the same broker', () => {
    const relay = loadRelayConfig(planned('relay'));
    const worker = loadWorkerConfig(planned('worker'));

    expect(relay.SHARD_URLS).toEqual(loadConfig(planned('app')).SHARD_URLS);
    expect(worker.SHARD_URLS).toEqual(relay.SHARD_URLS);
    expect([relay.KAFKA_BROKERS, worker.KAFKA_BROKERS]).toEqual([['kafka:9092'], ['kafka:9092']]);
    expect(worker.CONSUMER_RETRY_DELAYS_MS).toEqual([1_000, 10_000]);
  });

  it('When the retry delays are not two numbers, then the configuration error names the variable', () => {
    expect(() => loadWorkerConfig({ ...planned('worker'), CONSUMER_RETRY_DELAYS_MS: '1000' })).toThrow(
      /CONSUMER_RETRY_DELAYS_MS/,
    );
  });

  it('When the stage is composed, then only shard4 and its pooler wait for the reshard profile', () => {
    const inProfiles = Object.entries(composed())
      .filter(([, service]) => service.profiles !== undefined)
      .map(([name, service]) => [name, service.profiles]);

    expect(inProfiles).toEqual([
      ['shard4', ['reshard']],
      ['pgbouncer-shard4', ['reshard']],
    ]);
  });

  it("When the load-test variant is applied, then every database server of Conduit's data gets the same tenth of a CPU and nothing else about it changes", () => {
    const base = composed();
    const loadTest = composed('load-test');

    for (const server of databaseServers) {
      expect(loadTest[server]).toEqual({ ...base[server], cpus: 0.1 });
    }
    expect(Number(base.postgres?.cpus)).toBeGreaterThan(0.1);
  });
});
