import type pg from 'pg';

/** Anything that runs parameterized SQL: the pool itself or one connection inside a transaction. */
export type Queryable = pg.Pool | pg.PoolClient;

/** Runs fn inside BEGIN/COMMIT on one pooled connection; any throw rolls back and is rethrown. */
export async function withTransaction<T>(
  pool: pg.Pool,
  fn: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let result: T;
  try {
    await client.query('BEGIN');
    result = await fn(client);
    await client.query('COMMIT');
  } catch (error) {
    // A failed ROLLBACK means the connection is broken: releasing it with an error makes the pool discard it.
    const rollbackError = await client.query('ROLLBACK').then(
      () => undefined,
      (rollbackFailure: Error) => rollbackFailure,
    );
    client.release(rollbackError);
    throw error;
  }
  client.release();
  return result;
}
