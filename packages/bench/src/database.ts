import pg from 'pg';

/** One short-lived connection for the bench's own bookkeeping queries (counts, timestamps). */
export async function queryRows<Row extends pg.QueryResultRow>(
  databaseUrl: string,
  sql: string,
  params: unknown[] = [],
): Promise<Row[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<Row>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** The database's clock: rows stamped with now() are compared with it, not with this machine's clock. */
export async function databaseNow(databaseUrl: string): Promise<Date> {
  const [row] = await queryRows<{ now: Date }>(databaseUrl, 'SELECT now() AS now');
  return row?.now ?? new Date();
}
