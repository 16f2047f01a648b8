import { describe, expect, it } from 'vitest';
import { statementPurpose } from '../src/statement-counts.ts';

describe('statementPurpose', () => {
  it('When a statement polls WAL positions, then it is replication bookkeeping, not serving a request', () => {
    expect(statementPurpose('SELECT pg_last_wal_replay_lsn()::text AS lsn')).toBe('replication bookkeeping');
    expect(statementPurpose('select pg_current_wal_lsn()')).toBe('replication bookkeeping');
  });

  it("When a statement reads the worker's queue, then it is the job queue; anything else serves requests", () => {
    expect(statementPurpose('UPDATE jobs SET locked_until = $1 WHERE id = $2')).toBe('job queue');
    expect(statementPurpose('SELECT a.slug FROM articles a WHERE a.slug = $1')).toBe('requests');
  });
});
