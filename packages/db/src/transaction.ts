import type pg from 'pg';

/** Anything that runs parameterized SQL: the pool itself or one connection inside a transaction. */
export type Queryable = pg.Pool | pg.PoolClient;

/** Runs fn inside BEGIN/COMMIT on one pooled connection; any throw rolls back and is rethrown. */
export async function withTransaction<T>(
  pool: pg.Pool,
  fn: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  // pg-pool removes its own 'error' listener while a client is checked out, and a connection that dies between
  // two statements (a server restart, pg_terminate_backend, a cut network) emits 'error' with no query to fail:
  // unheard, that event would end the process. Heard, it becomes the cause the transaction fails with.
  let connectionError: Error | undefined;
  const onConnectionError = (error: Error) => {
    connectionError ??= error;
  };
  client.on('error', onConnectionError);
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
    client.off('error', onConnectionError);
    client.release(rollbackError ?? connectionError);
    // The statement after a lost connection fails with "not queryable"; the loss itself says what happened.
    throw connectionError ?? error;
  }
  client.off('error', onConnectionError);
  client.release();
  return result;
}
