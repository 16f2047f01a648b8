import { withTransaction } from '@scaling/db';
import { createHashRing } from '@scaling/ring';
import type pg from 'pg';

/**
 * A shard writer doing exactly what the stage 6 contract (section 2) asks of @scaling/shards' repositories: route by
 * author_moves 'moved', else the ring of active shards, re-read every `refreshMs`; take the author's lock shared,
 * and on a departed author retry once on the shard named. It stands in for those repositories until they land.
 */
export function createContractWriter(options: {
  global: pg.Pool;
  shards: Record<string, pg.Pool>;
  refreshMs: number;
}) {
  const { global, shards, refreshMs } = options;
  let routing: { readAt: number; place: (authorId: number) => string } | undefined;

  async function shardOf(authorId: number): Promise<string> {
    if (!routing || Date.now() - routing.readAt > refreshMs) {
      const ring = await global.query<{ name: string }>(`SELECT name FROM shard_ring WHERE state = 'active'`);
      const moves = await global.query<{ author_id: string; to_shard: string }>(
        `SELECT author_id, to_shard FROM author_moves WHERE state = 'moved'`,
      );
      const moved = new Map(moves.rows.map((row) => [Number(row.author_id), row.to_shard]));
      const hashRing = createHashRing({ nodes: ring.rows.map((row) => row.name) });
      routing = {
        readAt: Date.now(),
        place: (author) => moved.get(author) ?? hashRing.nodeFor(String(author)),
      };
    }
    return routing.place(authorId);
  }

  return {
    /** Runs `write` in a transaction on the author's shard, as the owner's write. */
    async write<T>(authorId: number, write: (client: pg.PoolClient) => Promise<T>): Promise<T> {
      let shard = await shardOf(authorId);
      for (let attempt = 1; ; attempt++) {
        const pool = shards[shard];
        if (!pool) throw new Error(`No pool for ${shard}.`);
        const outcome = await withTransaction<{ to: string } | { result: T }>(pool, async (client) => {
          await client.query('SELECT pg_advisory_xact_lock_shared(6006, $1::int)', [authorId]);
          const departed = await client.query<{ to_shard: string }>(
            'SELECT to_shard FROM departed_authors WHERE author_id = $1',
            [authorId],
          );
          if (departed.rows[0]) return { to: departed.rows[0].to_shard };
          return { result: await write(client) };
        });
        if ('result' in outcome) return outcome.result;
        if (attempt === 2) throw new Error(`Author ${authorId} moved twice during one write.`);
        shard = outcome.to;
      }
    },
  };
}
