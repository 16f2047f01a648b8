import { uniqueSuffix } from '@scaling/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runChurn } from '../src/churn.ts';

const databaseUrl = inject('databaseUrl');

describe('runChurn', () => {
  const role = `churn_${uniqueSuffix()}`.replace(/[^a-z0-9_]/g, '_');
  const admin = new pg.Client({ connectionString: databaseUrl });
  let limitedUrl: string;

  beforeAll(async () => {
    await admin.connect();
    // A role allowed two connections stands in for a server at max_connections, without starving other tests.
    await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD 'churn' CONNECTION LIMIT 2`);
    const url = new URL(databaseUrl);
    url.username = role;
    url.password = 'churn';
    limitedUrl = url.toString();
  });

  afterAll(async () => {
    await admin.query(`DROP ROLE IF EXISTS ${role}`);
    await admin.end();
  });

  it('When a few clients churn connections, then every attempt connects, queries and is counted', async () => {
    const progress: number[] = [];
    const result = await runChurn({
      connectionString: databaseUrl,
      clients: 4,
      durationSeconds: 1.2,
      sql: 'SELECT count(*) FROM articles WHERE id > $1',
      params: [0],
      onProgress: (update) => progress.push(update.requests),
    });
    expect(result.clients).toBe(4);
    expect(result.successes).toBeGreaterThan(4);
    expect(result.errors).toBe(0);
    expect(result.attempts).toBe(result.successes);
    expect(result.successesPerSecond).toBeCloseTo(result.successes / result.durationSeconds, 5);
    expect(result.latencyMs.p95).toBeGreaterThanOrEqual(result.latencyMs.p50);
    expect(result.connectMs.p50).toBeGreaterThan(0);
    expect(result.connectMs.p50).toBeLessThanOrEqual(result.latencyMs.p50);
    expect(progress.length).toBeGreaterThanOrEqual(1);
  });

  it('When the server refuses connections beyond a limit, then the failures are grouped by its message', async () => {
    const result = await runChurn({
      connectionString: limitedUrl,
      clients: 8,
      durationSeconds: 1,
      sql: 'SELECT pg_sleep(0.05)',
      retryDelayMs: 20,
    });
    expect(result.successes).toBeGreaterThan(0);
    expect(result.errors).toBeGreaterThan(0);
    expect(result.attempts).toBe(result.successes + result.errors);
    expect(result.errorsByMessage[`too many connections for role "${role}"`]).toBeGreaterThan(0);
    expect(Object.values(result.errorsByMessage).reduce((sum, count) => sum + count, 0)).toBe(result.errors);
  });
});
