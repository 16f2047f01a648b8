import { createOwnDatabase, type OwnDatabase } from '@scaling/testing';
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, inject } from 'vitest';
import { type KeyRing, type KeyRingOptions, startKeyRing } from '../../src/index.ts';
import { buildKeyRingOptions } from './factories.ts';

export interface KeyRingDatabase {
  /** The file's own migrated database (set once its beforeAll has run). */
  readonly pool: pg.Pool;
  /** A ring on that database, closed after the test. */
  startRing(overrides?: Partial<KeyRingOptions>): Promise<KeyRing>;
}

/**
 * Registers the hooks of a file that tests key rings: its own database (a ring sees every signing key), emptied of
 * keys before each test so each test owns the keys it counts, and every ring it started closed after the test
 * (an open ring's reload timer would keep querying a dropped database).
 */
export function useKeyRingDatabase(): KeyRingDatabase {
  let database: OwnDatabase;
  const rings: KeyRing[] = [];

  beforeAll(async () => {
    database = await createOwnDatabase(inject('databaseUrl'), 'tokens');
  });
  afterAll(async () => {
    await database.drop();
  });
  beforeEach(async () => {
    await database.pool.query('DELETE FROM signing_keys');
  });
  afterEach(() => {
    for (const ring of rings.splice(0)) ring.close();
  });

  return {
    get pool() {
      return database.pool;
    },
    async startRing(overrides) {
      const ring = await startKeyRing(database.pool, buildKeyRingOptions(overrides));
      rings.push(ring);
      return ring;
    },
  };
}
