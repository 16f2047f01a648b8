import type pg from 'pg';

/**
 * Runs one statement on every shard of the ring (the members of the global `shard_ring`, read now), in parallel, and
 * returns all their rows: how the worker's jobs gather what lives on the shards.
 */
export async function queryRing<Row extends pg.QueryResultRow>(
  global: pg.Pool,
  shards: ReadonlyMap<string, pg.Pool>,
  sql: string,
  params: unknown[] = [],
): Promise<Row[]> {
  const { rows: members } = await global.query<{ name: string }>('SELECT name FROM shard_ring');
  const perShard = await Promise.all(
    members.map(async ({ name }) => {
      const shard = shards.get(name);
      if (!shard) {
        throw new Error(
          `The ring names ${name} but the worker has no URL for it: add ${name}=postgres://... to its SHARD_URLS.`,
        );
      }
      return (await shard.query<Row>(sql, params)).rows;
    }),
  );
  return perShard.flat();
}
